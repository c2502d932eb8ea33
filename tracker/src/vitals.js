// The Web Vitals chunk (/t.vitals.<hash>.js), loaded by the core as an async script.
// Measures LCP, INP, CLS, FCP and TTFB with PerformanceObserver (buffered: entries from before
// this file arrived are replayed) the way Google's web-vitals library defines them, and reports
// each metric once per page load with a random metric id: FCP and TTFB as soon as known, LCP,
// CLS and INP when the page is first hidden (their values can grow until then).

(function () {
  var ut = window.ut;
  if (!ut || !ut._v) return;
  var nav = performance.getEntriesByType('navigation')[0];
  var start = (nav && nav.activationStart) || 0; // prerendered pages count from activation
  var navigationType = document.prerendering || start > 0 ? 'prerender' : nav ? nav.type.replace(/_/g, '-') : 'navigate';
  var values = {};
  var sent = {};
  var observers = [];

  function set(name, value) {
    values[name] = Math.max(value, 0);
  }

  function report(name) {
    if (sent[name] || !(name in values)) return;
    sent[name] = 1;
    var value = values[name];
    ut._v(name, {
      value: name == 'CLS' ? Math.round(value * 1e4) / 1e4 : Math.round(value),
      metric_id: 'v1-' + Date.now() + '-' + Math.floor(Math.random() * 9e12 + 1e12),
      navigation_type: navigationType,
    });
  }

  function observe(type, onEntry, options) {
    try {
      var po = new PerformanceObserver(function (list) {
        list.getEntries().forEach(onEntry);
      });
      po.observe(Object.assign({ type: type, buffered: true }, options));
      observers.push(function () {
        po.takeRecords().forEach(onEntry);
      });
    } catch (e) {} // an entry type this browser does not support: that metric is not reported
  }

  if (nav) {
    set('TTFB', nav.responseStart - start);
    report('TTFB');
  }

  observe('paint', function (e) {
    if (e.name == 'first-contentful-paint') {
      set('FCP', e.startTime - start);
      report('FCP');
    }
  });

  observe('largest-contentful-paint', function (e) {
    set('LCP', e.startTime - start);
  });

  // CLS: the largest burst of layout shifts (gaps < 1 s, at most 5 s long) not caused by input.
  var burst = 0;
  var first = 0;
  var last = 0;
  set('CLS', 0);
  observe('layout-shift', function (e) {
    if (e.hadRecentInput) return;
    if (burst && e.startTime - last < 1000 && e.startTime - first < 5000) burst += e.value;
    else (burst = e.value), (first = e.startTime);
    last = e.startTime;
    if (burst > values.CLS) set('CLS', burst);
  });

  // INP: the slowest interaction (the exact p98 only differs past 50 interactions on one page).
  var onInteraction = function (e) {
    if (e.interactionId && (!('INP' in values) || e.duration > values.INP)) set('INP', e.duration);
  };
  observe('event', onInteraction, { durationThreshold: 16 });
  observe('first-input', onInteraction);

  // After the core's own hide handler (registered first): these go in a beacon of their own.
  // Entries the browser has not delivered to the observers yet (the click that navigates away)
  // are taken first.
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState == 'hidden') {
      observers.forEach(function (take) {
        take();
      });
      ['LCP', 'CLS', 'INP'].forEach(report);
      ut._b();
    }
  });
})();
