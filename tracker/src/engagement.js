// Engaged time and scroll depth of the current page, reported as an `engagement` event when the
// page is hidden, left, or replaced by an SPA navigation (usually once per page). Engaged time
// counts only while the page is visible; a page hidden again after coming back reports the time
// since its previous report. scroll_depth is the deepest point seen, in % of the page height
// (the server turns it into 25/50/75/100 % milestones).

let report;
let page = 0; // url of the page being measured; 0 when none
let engaged = 0;
let since = 0;
let depth = 0;

const clock = () => {
  const now = Date.now();
  if (since) engaged += now - since;
  since = document.visibilityState == 'visible' ? now : 0;
};

// The share of the page seen so far; a page shorter than the window is all seen.
const scrolled = () =>
  (depth = Math.max(depth, Math.min(100, Math.round(((scrollY + innerHeight) / document.documentElement.scrollHeight) * 100))));

export const watchEngagement = (onReport) => {
  report = onReport;
  addEventListener('scroll', scrolled, { passive: true });
  document.addEventListener('visibilitychange', clock);
};

// Reports what the current page accumulated since its last report. On hide (`pause`), the clock
// stops until the page is visible again: browsers fire pagehide while still "visible", then
// visibilitychange, and that gap must not become a second, 1 ms report.
export const flushEngagement = (pause) => {
  if (!page) return;
  clock();
  if (engaged > 0) report(page, Math.round(engaged), depth);
  engaged = 0;
  if (pause) since = 0;
};

// A new page starts (url) or an untracked one does (0): the previous page reports first.
export const startEngagement = (url) => {
  flushEngagement();
  page = url;
  engaged = depth = since = 0;
  clock();
  scrolled();
};
