// Pageviews: one on load, one per SPA navigation (history.pushState / replaceState / popstate,
// and hashchange with data-hash). A navigation that keeps path and query (a replaceState that
// only stores state, a jump to an anchor) is not a new page. With data-hash, "/#/cart" is
// reported as "/cart" (with the page's own query, for UTM tags; the route's query is dropped):
// the server keys pages by path and never sees the fragment otherwise.

export const pageUrl = (hashRouting) => {
  const l = location;
  const route = l.hash.slice(1);
  return hashRouting && route[0] == '/'
    ? l.origin + l.pathname.replace(/\/$/, '') + route.split('?')[0] + l.search
    : l.href.split('#')[0];
};

// Calls onPage(url, previousUrl) whenever the visitor lands on a new page (including now).
export const watchPages = (hashRouting, onPage) => {
  let last;
  const check = () => {
    const url = pageUrl(hashRouting);
    if (url != last) onPage(url, last), (last = url);
  };
  for (const method of ['pushState', 'replaceState']) {
    const original = history[method];
    history[method] = function () {
      original.apply(this, arguments); // both return undefined
      check();
    };
  }
  addEventListener('popstate', check);
  if (hashRouting) addEventListener('hashchange', check);
  check();
};

// data-404: the document itself was answered 404 (Navigation Timing's responseStatus).
export const isNotFound = () => (performance.getEntriesByType('navigation')[0] || {}).responseStatus == 404;
