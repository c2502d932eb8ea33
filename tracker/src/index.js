// The core tracker (/t.js): pageviews (load + SPA), custom and e-commerce events, outbound links,
// downloads, forms, 404s, engagement, consent and the batching transport. Web Vitals live in a
// separate chunk (vitals.js) that the core loads as an async script as soon as it runs.
//
// Privacy: no cookie and no localStorage; nothing identifies the visitor across pages or days
// (the server counts visitors with a daily salted hash and builds sessions from it). Not even a
// per-tab id in sessionStorage: the server's sessions need none.

import { watchClicks, watchForms } from './autocapture.js';
import * as cfg from './config.js';
import { flushEngagement, startEngagement, watchEngagement } from './engagement.js';
import { isNotFound, pageUrl, watchPages } from './pages.js';
import { beacon, enqueue, setEndpoint } from './transport.js';
import { uuid } from './uuid.js';

const d = document;
const ut = (window.ut = window.ut || {}); // keeps ut.beforeSend and the calls a stub queued in ut.q
let consent; // {analytics, marketing} once ut.consent() was called
let held = []; // events waiting for consent (data-require-consent), sent if analytics is granted
let current; // url of the current page; 0 when data-exclude matches it
let landing; // url of the page as loaded (0 when excluded): Web Vitals belong to it
let uid; // ut.identify(id): the site's user id, sent with this page's later events (hashed by the server)

cfg.readConfig(d.currentScript);
setEndpoint(cfg.api);
// data-dnt="drop": visitors with Do Not Track or Global Privacy Control are not tracked at all.
const off = cfg.dntDrop && (navigator.doNotTrack == '1' || navigator.globalPrivacyControl);

const deliver = (event, now) => {
  if (consent) event.consent = consent;
  const hook = ut.beforeSend;
  if (!hook || (event = hook(event))) enqueue(event, now); // the site may rewrite or drop any event
};

// Without data-require-consent, events go out at once and carry the visitor's choice once
// ut.consent() was called (analytics: false -> the server counts them anonymously). With it,
// nothing leaves before ut.consent(), and nothing at all unless analytics was granted.
const send = (type, name, fields, now, url) => {
  if (off) return;
  const event = { site_id: cfg.site, type, name, url: url || current || pageUrl(cfg.hashRouting), event_id: uuid(), ts: Date.now(), user_id: uid, ...fields };
  if (!cfg.requireConsent) deliver(event, now);
  else if (!consent) held.push([event, now]);
  else if (consent.analytics) deliver(event, now);
};

const onHide = () => {
  flushEngagement(1);
  beacon();
};

ut.identify = (id) => (uid = id == null ? id : '' + id);
ut.track = (name, props) => send('event', name, { props });
// GA4 names (view_item, add_to_cart, begin_checkout, purchase...), payload as in the README.
ut.ecommerce = (name, ecommerce) => send('ecommerce', name, { ecommerce }, name == 'purchase');
ut.consent = (choice) => {
  consent = { analytics: !!choice.analytics, marketing: !!choice.marketing };
  if (consent.analytics) held.forEach((e) => deliver(...e));
  held = [];
};
// For the vitals chunk: queue a metric of the page as loaded; send the queue by beacon.
ut._v = (name, fields) => landing && send('vitals', name, fields, 0, landing);
ut._b = beacon;

if (!off) {
  watchEngagement((url, engaged_ms, scroll_depth) => send('engagement', 'engagement', { engaged_ms, scroll_depth }, 0, url));
  watchPages(cfg.hashRouting, (url, previous) => {
    // data-exclude: no pageview, engagement or vitals there (custom events still go)
    current = cfg.exclude && cfg.exclude.test(new URL(url).pathname) ? 0 : url;
    if (landing == null) landing = current;
    if (current) send('pageview', 'pageview', { referrer: previous || d.referrer });
    startEngagement(current);
  });
  if (cfg.notFound && isNotFound()) send('event', '404');
  const now = (name, props) => send('event', name, { props }, 1);
  watchClicks(cfg.downloads, now);
  watchForms(now);
  d.addEventListener('visibilitychange', () => d.visibilityState == 'hidden' && onHide());
  addEventListener('pagehide', onHide);
  if (cfg.vitals) {
    // An async script: it never delays the page. Its content-hashed name is cached for a year.
    const s = d.createElement('script');
    s.src = cfg.api + '/' + VITALS_FILE;
    d.head.appendChild(s);
  }
}

(ut.q || []).forEach((call) => ut[call[0]](...call[1]));
