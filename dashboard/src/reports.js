// The report cards: each tab is one query of the engine, ten rows by visitors; a click on a row
// filters the whole page by that value.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Card, Field, html, Status, useLoad, Value } from './ui.js';

const NAMES = {
  'visit:source': 'Source', 'visit:channel': 'Channel', 'visit:utm_source': 'UTM source',
  'visit:utm_medium': 'UTM medium', 'visit:utm_campaign': 'UTM campaign', 'event:page': 'Page',
  'visit:entry_page': 'Entry page', 'visit:exit_page': 'Exit page', 'visit:country': 'Country',
  'visit:region': 'Region', 'visit:city': 'City', 'visit:browser': 'Browser', 'visit:os': 'OS',
  'visit:device': 'Device', 'event:goal': 'Goal', 'event:name': 'Event',
};
export const dimensionName = (d) => NAMES[d] || (d.startsWith('event:props:') ? `Property ${d.slice(12)}` : d);

const VISITORS = [['visitors', 'Visitors']];
export const CARDS = [
  { title: 'Sources', tabs: [
    ['visit:source', 'Sources', VISITORS], ['visit:channel', 'Channels', VISITORS],
    ['visit:utm_source', 'UTM source', VISITORS], ['visit:utm_medium', 'Medium', VISITORS],
    ['visit:utm_campaign', 'Campaign', VISITORS]] },
  { title: 'Pages', tabs: [
    ['event:page', 'Top pages', [['visitors', 'Visitors'], ['pageviews', 'Views']], [['is', 'event:name', ['pageview']]]],
    ['visit:entry_page', 'Entry', [['visitors', 'Visitors'], ['visits', 'Visits']]],
    ['visit:exit_page', 'Exit', [['visitors', 'Visitors'], ['visits', 'Visits']]]] },
  { title: 'Locations', tabs: [
    ['visit:country', 'Countries', VISITORS], ['visit:region', 'Regions', VISITORS], ['visit:city', 'Cities', VISITORS]] },
  { title: 'Devices', tabs: [
    ['visit:browser', 'Browsers', VISITORS], ['visit:os', 'OS', VISITORS], ['visit:device', 'Devices', VISITORS]] },
  { title: 'Goals and events', tabs: [
    ['event:goal', 'Goals', [['visitors', 'Uniques'], ['events', 'Total'], ['conversion_rate', 'CR']]],
    ['event:name', 'Events', [['visitors', 'Uniques'], ['events', 'Total']], [['is_not', 'event:name', ['pageview']]]],
    ['event:props:', 'Properties', [['visitors', 'Uniques'], ['events', 'Total']], [['is_not', 'event:name', ['pageview']]]]] },
];

const EMPTY = {
  'event:goal': 'No goal conversions in this range. Add goals with POST /api/v1/sites/<site>/goals (README "Goals").',
  'event:name': "No custom events in this range. Send them with ut.track('signup', { plan: 'pro' }).",
};

// The page's filters as removable chips (the main and insights views).
export function Chips({ filters, nav }) {
  if (!filters.length) return null;
  return html`<div class="chips" aria-label="Filters">${filters.map((f, i) => html`
    <span class="chip" data-filter=${`${f[1]}|${f[0]}|${f[2][0]}`}>${dimensionName(f[1])} ${f[0] === 'is' ? 'is' : f[0]} <b>${f[2][0] || '(none)'}</b>
      <button aria-label=${`Remove filter ${dimensionName(f[1])} ${f[2][0]}`}
        onClick=${() => nav({ filters: filters.filter((_, j) => j !== i) })}>×</button></span>`)}
    ${filters.length > 1 && html`<button class="link" onClick=${() => nav({ filters: [] })}>Clear all</button>`}</div>`;
}

// The engine's body for one tab of a card (the tests build the same bodies).
export function reportQuery(base, dimension, columns, extra = []) {
  return { ...base, metrics: columns.map(([m]) => m), dimensions: [dimension], filters: [...base.filters, ...extra],
    order_by: [[columns[0][0], 'desc']], pagination: { limit: 10, offset: 0 } };
}

export function Report({ card, base, baseKey, onFilter }) {
  const [tab, setTab] = useState(card.tabs[0][0]);
  const [prop, setProp] = useState('');
  const [, , columns, extra] = card.tabs.find(([k]) => k === tab);
  const dimension = tab === 'event:props:' ? `event:props:${prop}` : tab;
  const ready = tab !== 'event:props:' || prop;
  // The answer keeps the columns and dimension it was asked with: while another tab loads, the
  // previous rows stay on screen (dimmed), drawn as what they are.
  const state = useLoad(async () => (ready ? {
    rows: (await api.query(reportQuery(base, dimension, columns, extra))).results, columns, dimension,
  } : null), `${baseKey}|${dimension}`);
  const shown = state.data || { rows: [], columns, dimension };
  const rows = shown.rows;
  const max = Math.max(1, ...rows.map((r) => r.metrics[0]));
  return html`<${Card} title=${card.title} tabs=${card.tabs.map(([k, l]) => [k, l])} active=${tab} onTab=${setTab}>
    ${tab === 'event:props:' && html`<form class="prop" onSubmit=${(e) => { e.preventDefault(); setProp(e.target.key.value.trim()); }}>
      <label>Property key <${Field} name="key" value=${prop} placeholder="plan" /></label><button>Show</button></form>`}
    <div class="table-head"><span>${dimensionName(shown.dimension)}</span>${shown.columns.map(([, l]) => html`<span>${l}</span>`)}</div>
    <${Status} state=${state} empty=${ready && state.data && !rows.length ? EMPTY[tab] || 'Nothing in this range.' :
      !ready ? 'Name a property of your custom events.' : ''} />
    <ol class="rows" aria-busy=${state.loading}>${rows.map((r) => html`
      <li data-dimension=${shown.dimension} data-value=${r.dimensions[0]}>
        <button class="row" title="Filter by this ${dimensionName(shown.dimension).toLowerCase()}"
          onClick=${() => onFilter(['is', shown.dimension, [r.dimensions[0]]])}>
          <span class="bar" style=${{ width: `${(100 * r.metrics[0]) / max}%` }}></span>
          <span class="label">${r.dimensions[0] || '(none)'}</span></button>
        ${r.metrics.map((v, i) => html`<${Value} metric=${shown.columns[i][0]} value=${v} />`)}
      </li>`)}</ol>
  <//>`;
}
