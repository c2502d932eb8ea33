// E-commerce and Web Vitals. Their numbers are the query engine's (`orders`, `total_revenue`,
// `average_revenue`; `lcp_p75`, `lcp_count`, `lcp_good`, `lcp_poor` … `ttfb_poor`), so they follow
// the page's range, comparison and filters like every other card. What the engine cannot answer
// comes from the ecommerce module's own report routes, which take days but no filters, and says
// so on screen ("not filtered") while filters are on: the conversion rate (purchasing visitors: the
// engine's `visitors` counts pageviews and custom events only, and its `conversion_rate` needs
// goals), the checkout funnel and top products (no engine dimension for a funnel step or an item).
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { formatMoney, formatMs, formatNumber, formatShare } from './format.js';
import { Card, Change, html, Status, useLoad } from './ui.js';

const days = (site, range) => `site_id=${encodeURIComponent(site.site_id)}&from=${range[0]}&to=${range[1]}`;
const comparison = (compare) => (compare ? { comparison: 'previous_period' } : {});

function Unfiltered({ filtered, what }) {
  return filtered ? html`<span class="tag" data-unfiltered=${what}
    title="From the module's report: the whole site for these days, filters do not apply">not filtered</span>` : null;
}

export const SHOP = [['total_revenue', 'Revenue'], ['orders', 'Orders'], ['average_revenue', 'Average order']];

// The engine's body for the shop figures (the tests build the same one).
export function shopQuery(base, compare) {
  return { ...base, metrics: SHOP.map(([m]) => m), include: comparison(compare) };
}

export function Ecommerce({ site, base, baseKey, compare, range, filtered }) {
  const q = days(site, range);
  const figures = useLoad(() => api.query(shopQuery(base, compare)), `${baseKey}|${compare}`);
  const reports = useLoad(() => Promise.all([
    api.get(`/api/v1/ecommerce/overview?${q}`), api.get(`/api/v1/ecommerce/funnel?${q}`),
    api.get(`/api/v1/ecommerce/products?${q}&limit=5`)]), q);
  if (!figures.data || !reports.data) {
    return html`<${Card} title="E-commerce" wide><${Status} state=${figures.error ? figures : reports} /><//>`;
  }
  const row = figures.data.results[0];
  const [overview, funnel, products] = reports.data;
  const currency = figures.data.meta.currency || overview.currency;
  const money = (v) => formatMoney(v, currency);
  const unconverted = figures.data.meta.unconverted_currencies || [];
  return html`<${Card} title="E-commerce" wide>
    ${!row.metrics[1] && !funnel.steps[0]?.visitors ? html`<p class="note">No shop events in this range. Send${' '}<code>view_item</code> …${' '}<code>purchase</code>${' '}with the tracker's${' '}<code>ut.ecommerce()</code>.</p>` : null}
    <div class="stats shop">
      ${SHOP.map(([m, label], i) => html`<div class="stat"><span class="stat-label">${label}</span>
        <span class="num" data-metric=${m} data-raw=${row.metrics[i]}>${m === 'orders' ? formatNumber(row.metrics[i]) : money(row.metrics[i])}</span>
        ${row.comparison && html`<${Change} metric=${m} change=${row.comparison.change[i]} value=${row.metrics[i]} />`}</div>`)}
      <div class="stat"><span class="stat-label">Conversion<${Unfiltered} filtered=${filtered} what="conversion" /></span>
        <span class="num" data-metric="ecommerce_conversion_rate" data-raw=${overview.conversion_rate}>${formatShare(overview.conversion_rate)}</span></div>
    </div>
    <p class="hint">Revenue is before refunds${unconverted.length ? `; amounts in ${unconverted.join(', ')} have no rate to ${currency} and are left out` : ''}.</p>
    <div class="split">
      <div><h3>Checkout funnel<${Unfiltered} filtered=${filtered} what="checkout_funnel" /></h3><ol class="funnel">${funnel.steps.map((s) => html`
        <li data-dimension="ecommerce:funnel_step" data-value=${s.name}>
          <span class="label">${s.name.replaceAll('_', ' ')}</span>
          <span class="bar" style=${{ width: `${100 * (s.conversion_rate || 0)}%` }}></span>
          <span class="num" data-metric="visitors" data-raw=${s.visitors}>${formatNumber(s.visitors)}</span>
          <span class="num muted" data-metric="conversion_rate" data-raw=${s.conversion_rate}>${formatShare(s.conversion_rate)}</span>
        </li>`)}</ol></div>
      <div><h3>Top products<${Unfiltered} filtered=${filtered} what="products" /></h3>${products.length ? html`<ol class="rows">${products.map((p) => html`
        <li data-dimension="ecommerce:item" data-value=${p.item_id}>
          <span class="label">${p.item_name || p.item_id}</span>
          <span class="num" data-metric="purchases" data-raw=${p.purchases}>${formatNumber(p.purchases)}</span>
          <span class="num" data-metric="revenue" data-raw=${p.revenue}>${formatMoney(p.revenue, overview.currency)}</span></li>`)}</ol>`
        : html`<p class="note">No products viewed or sold.</p>`}</div>
    </div>
  <//>`;
}

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
const STATS = ['p75', 'count', 'good', 'poor'];
// Every number the card shows, each an engine metric: `lcp_p75`, `lcp_count`, `lcp_good`, `lcp_poor`, … `ttfb_poor`.
export const VITAL_METRICS = VITALS.flatMap((m) => STATS.map((s) => `${m.toLowerCase()}_${s}`));
// Google's thresholds (tracking/web_vitals/schemas.py THRESHOLDS, the engine's `_good` / `_poor`):
// a p75 is good up to the first, poor above the second. The e2e test holds the ratings on screen to
// the vitals report's.
const THRESHOLDS = { LCP: [2500, 4000], INP: [200, 500], CLS: [0.1, 0.25], FCP: [1800, 3000], TTFB: [800, 1800] };
const RATING = { good: 'Good', 'needs-improvement': 'Needs improvement', poor: 'Poor' };
export const VITALS_TABS = [['event:page', 'Pages', 'page'], ['visit:device', 'Devices', 'device'],
  ['visit:country', 'Countries', 'country']];

// The engine's bodies for the vitals card: the whole selection, and the eight most measured groups.
export function vitalsQuery(base, dimension, compare) {
  return dimension ? { ...base, metrics: VITAL_METRICS, dimensions: [dimension], order_by: [['lcp_count', 'desc']],
    pagination: { limit: 8, offset: 0 } } : { ...base, metrics: VITAL_METRICS, include: comparison(compare) };
}

function rating(metric, value) {
  const [good, poor] = THRESHOLDS[metric];
  return value <= good ? 'good' : value > poor ? 'poor' : 'needs-improvement';
}

// One answer row's numbers of one metric, by stat.
function stats(values, metric) {
  const at = VITAL_METRICS.indexOf(`${metric.toLowerCase()}_p75`);
  return Object.fromEntries(STATS.map((s, i) => [s, values[at + i]]));
}

function Vital({ metric, values, change }) {
  const name = `${metric.toLowerCase()}_p75`;
  const { p75, count, good, poor } = stats(values, metric);
  if (!count) {
    return html`<span role="cell" class="vital muted" title="Not measured"><span class="num" data-metric=${name} data-raw=${p75}>–</span></span>`;
  }
  const r = rating(metric, p75);
  const shares = { good: good / count, ni: (count - good - poor) / count, poor: poor / count };
  return html`<span role="cell" class="vital ${r}" data-rating=${r} title=${`${RATING[r]} · good ${formatShare(shares.good)}, needs improvement ${formatShare(shares.ni)}, poor ${formatShare(shares.poor)} (${count})`}>
    <span class="num" data-metric=${name} data-raw=${p75}>${formatMs(metric, p75)}</span>
    ${change !== undefined && html`<${Change} metric=${name} change=${change} value=${p75} />`}
    <span class="shares" aria-hidden="true">${['good', 'ni', 'poor'].map((k) => html`<i class=${k} style=${{ width: `${100 * shares[k]}%` }}></i>`)}</span>
  </span>`;
}

export function Vitals({ base, baseKey, compare, filtered, onFilter }) {
  const [dimension, setDimension] = useState(VITALS_TABS[0][0]);
  const by = VITALS_TABS.find(([d]) => d === dimension)[2];
  const total = useLoad(() => api.query(vitalsQuery(base, null, compare)), `${baseKey}|${compare}`);
  const groups = useLoad(() => api.query(vitalsQuery(base, dimension)), `${baseKey}|${dimension}`);
  const ready = total.data && groups.data;
  const row = ready ? total.data.results[0] : null;
  const none = row && VITALS.every((m) => !stats(row.metrics, m).count);
  const changeOf = (m) => (row.comparison ? row.comparison.change[VITAL_METRICS.indexOf(`${m.toLowerCase()}_p75`)] : undefined);
  return html`<${Card} title="Web Vitals (p75)" wide tabs=${VITALS_TABS.map(([d, l]) => [d, l])} active=${dimension} onTab=${setDimension}>
    <${Status} state=${total.error ? total : groups.error ? groups : { loading: !ready, data: ready || null }}
      empty=${none ? `No Web Vitals measured in this range${filtered ? ' for these filters' : ''} (the tracker sends them by itself).` : ''} />
    ${ready && !none && html`<div class="vitals" role="table" aria-busy=${groups.loading}>
      <div class="vrow vhead" role="row"><span role="columnheader">${by}</span>${VITALS.map((m) => html`<span role="columnheader">${m}</span>`)}</div>
      <div class="vrow vtotal" role="row"><span class="label" role="cell">All ${by === 'country' ? 'countries' : `${by}s`}</span>
        ${VITALS.map((m) => html`<${Vital} metric=${m} values=${row.metrics} change=${changeOf(m)} />`)}</div>
      ${groups.data.results.map((g) => html`<div class="vrow" role="row" data-dimension=${dimension} data-value=${g.dimensions[0]}>
        <span role="cell" class="label"><button class="link" title=${`Filter by this ${by}`}
          onClick=${() => onFilter(['is', dimension, [g.dimensions[0]]])}>${g.dimensions[0] || '(unknown)'}</button></span>
        ${VITALS.map((m) => html`<${Vital} metric=${m} values=${g.metrics} />`)}</div>`)}
      <p class="legend"><i class="good"></i> good <i class="ni"></i> needs improvement <i class="poor"></i> poor
        <span class="muted">(the shares of the measurements; the most measured ${by === 'country' ? 'countries' : `${by}s`} first)</span></p>
    </div>`}
  <//>`;
}
