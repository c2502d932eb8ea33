// Saved funnels (the insights module), for the range and filters of the page. Reading them needs
// the owner's sign-in: a share link's cookie gets 401 there, and the card is not shown.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { formatNumber, formatShare } from './format.js';
import { Card, html, Status, useLoad } from './ui.js';

export function Funnels({ site, range, filters }) {
  const path = `/api/v1/sites/${encodeURIComponent(site.site_id)}/funnels`;
  const list = useLoad(() => api.get(path).catch((err) => (err.status === 401 ? null : Promise.reject(err))), path);
  const [chosen, setChosen] = useState(null);
  const funnels = list.data || [];
  const funnel = funnels.find((f) => f.id === chosen) || funnels[0];
  const q = funnel ? `${path}/${funnel.id}/analytics?date_range=${range.join(',')}&filters=${encodeURIComponent(JSON.stringify(filters))}` : '';
  const answer = useLoad(() => (q ? api.get(q) : Promise.resolve(null)), q);
  if (list.data === null && !list.loading && !list.error) return null; // a share link
  const steps = answer.data?.results[0]?.steps || [];
  return html`<${Card} title="Funnels">
    ${funnels.length > 1 && html`<label class="prop">Funnel <select value=${funnel.id}
      onChange=${(e) => setChosen(Number(e.target.value))}>${funnels.map((f) => html`<option value=${f.id}>${f.name}</option>`)}</select></label>`}
    ${funnels.length === 1 && html`<h3>${funnel.name}</h3>`}
    <${Status} state=${funnel ? answer : list} empty=${list.data && !funnels.length
      ? `No saved funnels. Save one with POST ${path} (README "Insights").` : ''} />
    ${steps.length > 0 && html`<ol class="funnel">${steps.map((s) => html`
      <li data-dimension="funnel:step" data-value=${s.label}>
        <span class="label">${s.label}</span>
        <span class="bar" style=${{ width: `${s.conversion_from_first}%` }}></span>
        <span class="num" data-metric="funnel_count" data-raw=${s.count}>${formatNumber(s.count)}</span>
        <span class="num muted" data-metric="funnel_conversion" data-raw=${s.conversion_from_first}>${formatShare(s.conversion_from_first / 100)}</span>
      </li>`)}</ol>`}
  <//>`;
}
