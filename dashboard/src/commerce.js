// E-commerce and Web Vitals, from their modules' report routes (they take days, not filters).
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { formatMoney, formatMs, formatNumber, formatShare } from './format.js';
import { Card, html, Status, useLoad } from './ui.js';

const days = (site, range) => `site_id=${encodeURIComponent(site.site_id)}&from=${range[0]}&to=${range[1]}`;

export function Ecommerce({ site, range, filtered }) {
  const q = days(site, range);
  const state = useLoad(() => Promise.all([
    api.get(`/api/v1/ecommerce/overview?${q}`), api.get(`/api/v1/ecommerce/funnel?${q}`),
    api.get(`/api/v1/ecommerce/products?${q}&limit=5`)]), q);
  if (!state.data) return html`<${Card} title="E-commerce" wide><${Status} state=${state} /><//>`;
  const [o, funnel, products] = state.data;
  const money = (v) => formatMoney(v, o.currency);
  const stat = (metric, label, text, raw) => html`<div class="stat"><span class="stat-label">${label}</span>
    <span class="num" data-metric=${metric} data-raw=${raw}>${text}</span></div>`;
  return html`<${Card} title="E-commerce" wide>
    ${filtered && html`<p class="note">E-commerce numbers are for the whole site (filters do not apply).</p>`}
    ${!o.orders && !funnel.steps[0]?.visitors ? html`<p class="note">No shop events in this range. Send${' '}<code>view_item</code> …${' '}<code>purchase</code>${' '}with the tracker's${' '}<code>ut.ecommerce()</code>.</p>` : null}
    <div class="stats">
      ${stat('revenue', 'Revenue', money(o.revenue), o.revenue)}
      ${stat('orders', 'Orders', formatNumber(o.orders), o.orders)}
      ${stat('average_order_value', 'Average order', money(o.average_order_value), o.average_order_value)}
      ${stat('ecommerce_conversion_rate', 'Conversion', formatShare(o.conversion_rate), o.conversion_rate)}
    </div>
    <div class="split">
      <div><h3>Checkout funnel</h3><ol class="funnel">${funnel.steps.map((s) => html`
        <li data-dimension="ecommerce:funnel_step" data-value=${s.name}>
          <span class="label">${s.name.replaceAll('_', ' ')}</span>
          <span class="bar" style=${{ width: `${100 * (s.conversion_rate || 0)}%` }}></span>
          <span class="num" data-metric="visitors" data-raw=${s.visitors}>${formatNumber(s.visitors)}</span>
          <span class="num muted" data-metric="conversion_rate" data-raw=${s.conversion_rate}>${formatShare(s.conversion_rate)}</span>
        </li>`)}</ol></div>
      <div><h3>Top products</h3>${products.length ? html`<ol class="rows">${products.map((p) => html`
        <li data-dimension="ecommerce:item" data-value=${p.item_id}>
          <span class="label">${p.item_name || p.item_id}</span>
          <span class="num" data-metric="purchases" data-raw=${p.purchases}>${formatNumber(p.purchases)}</span>
          <span class="num" data-metric="revenue" data-raw=${p.revenue}>${money(p.revenue)}</span></li>`)}</ol>`
        : html`<p class="note">No products viewed or sold.</p>`}</div>
    </div>
  <//>`;
}

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
const RATING = { good: 'Good', 'needs-improvement': 'Needs improvement', poor: 'Poor' };

export function Vitals({ site, range }) {
  const [by, setBy] = useState('page');
  const q = `${days(site, range)}&by=${by}&limit=8`;
  const state = useLoad(() => api.get(`/api/v1/vitals?${q}`), q);
  const groups = state.data ? state.data.groups : [];
  return html`<${Card} title="Web Vitals (p75)" wide tabs=${[['page', 'Pages'], ['device', 'Devices'], ['country', 'Countries']]}
      active=${by} onTab=${setBy}>
    <${Status} state=${state} empty=${state.data && !groups.length ? 'No Web Vitals in this range (the tracker sends them by itself).' : ''} />
    ${groups.length > 0 && html`<div class="vitals" role="table">
      <div class="vrow vhead" role="row"><span role="columnheader">${by}</span>${VITALS.map((m) => html`<span role="columnheader">${m}</span>`)}</div>
      ${groups.map((g) => html`<div class="vrow" role="row" data-dimension=${`vitals:${by}`} data-value=${g.group}>
        <span class="label" role="cell">${g.group || '(unknown)'}</span>
        ${VITALS.map((m) => {
          const s = g.metrics[m];
          if (!s) return html`<span role="cell" class="muted">–</span>`;
          return html`<span role="cell" class="vital ${s.rating}" title=${`${RATING[s.rating]} · good ${formatShare(s.good)}, needs improvement ${formatShare(s.needs_improvement)}, poor ${formatShare(s.poor)} (${s.count})`}>
            <span class="num" data-metric=${`${m}_p75`} data-raw=${s.p75}>${formatMs(m, s.p75)}</span>
            <span class="shares" aria-hidden="true"><i class="good" style=${{ width: `${100 * s.good}%` }}></i><i class="ni" style=${{ width: `${100 * s.needs_improvement}%` }}></i><i class="poor" style=${{ width: `${100 * s.poor}%` }}></i></span>
          </span>`;
        })}</div>`)}
      <p class="legend"><i class="good"></i> good <i class="ni"></i> needs improvement <i class="poor"></i> poor</p>
    </div>`}
  <//>`;
}
