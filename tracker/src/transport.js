// Queue and send. Events wait up to FLUSH_MS and leave together in one POST /collect/batch
// (fetch with keepalive, so a request started during navigation still completes). When the page
// is hidden, whatever is queued goes with navigator.sendBeacon. Bodies are plain-text JSON: a
// "simple" CORS request, so no preflight round trip. Network errors, 429 and 5xx are retried
// with exponential back-off (1, 2, 4, 8, 16 s) while the page lives; every event keeps its
// event_id, so a retry of a batch the server did accept is dropped there as a duplicate.
// Other 4xx answers (a bad event, a refused origin) are not retried.

const FLUSH_MS = 1000;
const MAX_BATCH = 25; // well under the 64 KB a keepalive fetch or a beacon may carry
const MAX_TRIES = 6;

let url;
let queue = [];
let timer = 0;
let failures = 0;

export const setEndpoint = (api) => (url = api + '/collect/batch');

const body = (batch) => {
  const now = Date.now();
  batch.forEach((e) => (e.sent_at = now));
  return JSON.stringify({ events: batch });
};

const later = (ms) => timer || (timer = setTimeout(flush, ms));

const flush = () => {
  clearTimeout(timer);
  timer = 0;
  const batch = queue.splice(0, MAX_BATCH);
  if (batch.length)
    fetch(url, { method: 'POST', body: body(batch), keepalive: true })
      .then((r) => {
        if (r.status == 429 || r.status > 499) throw r;
        failures = 0;
        if (queue.length) flush();
      })
      .catch(() => {
        queue = batch.concat(queue);
        if (++failures < MAX_TRIES) later(1000 << (failures - 1));
      });
};

export const enqueue = (event, now) => {
  queue.push(event);
  now ? flush() : later(FLUSH_MS);
};

// The page is going away (or to the background): hand everything queued to the browser.
export const beacon = () => {
  while (queue.length) {
    const batch = queue.splice(0, MAX_BATCH);
    if (!navigator.sendBeacon(url, body(batch))) return (queue = batch.concat(queue)), flush();
  }
};
