// Retention as a heatmap: a row per cohort (its period's first day and size), a column per period
// after it; a cell is the share of the cohort that came back, its colour as strong as the share.
import { api } from './api.js';
import { formatNumber } from './format.js';
import { pct, UNITS } from './funnel.js';
import { Card, Field, html, Status, useLoad } from './ui.js';

const PERIODS = [['day', 'Day'], ['week', 'Week'], ['month', 'Month']];
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
const fmtDay = (iso) => dayFormat.format(new Date(`${iso}T00:00:00Z`));

// What the unit is, said plainly: it decides whether coming back is even possible.
const UNIT_NOTE = {
  users: 'Counting identified users: people your site names with ut.identify(…) or a server event\'s userId. '
    + 'The same user is recognised on any later day; anonymous traffic is left out.',
  visitors: 'Counting anonymous visitors: a visitor is a salted hash that changes every UTC day (no cookie), '
    + 'so nobody can come back in a later period: every cell after period 0 stays 0. Identify users to see retention.',
};

function Cell({ share, returned, size, n, period }) {
  if (share === null) {
    return html`<td class="cell future" data-metric="retention_share" data-period=${n} data-raw="" title="not over yet"></td>`;
  }
  return html`<td class=${`cell num ${share >= 55 ? 'hi' : ''}`} data-metric="retention_share" data-period=${n} data-raw=${share}
    data-returned=${returned} style=${{ '--s': share / 100 }}
    title=${`${formatNumber(returned)} of ${formatNumber(size)} back in ${period} ${n} (${pct(share)})`}>${pct(share)}</td>`;
}

export function RetentionPanel({ site, ins, set, days, filters }) {
  const cohort = ins.cohort || 'pageview';
  const back = ins.return || 'pageview';
  const period = ins.rperiod || 'week';
  const periods = Math.min(60, Math.max(1, Number(ins.periods) || 8));
  const unit = ins.runit || 'users';
  const q = `/api/v1/sites/${encodeURIComponent(site.site_id)}/retention/cohorts?cohort_event=${encodeURIComponent(cohort)}`
    + `&return_event=${encodeURIComponent(back)}&period=${period}&periods=${periods}&unit=${unit}`
    + `&date_range=${days.join(',')}&filters=${encodeURIComponent(JSON.stringify(filters))}`;
  const state = useLoad(() => api.get(q), q);
  const cohorts = state.data?.cohorts || [];
  const people = cohorts.reduce((n, c) => n + c.size, 0);
  const cols = Array.from({ length: periods + 1 }, (_, i) => i);
  return html`<${Card} title="Retention" wide>
    <div class="controls">
      <label>Cohort: first <${Field} id="ret-cohort" value=${cohort} size="12" onCommit=${(v) => set({ cohort: v })} /></label>
      <label>Came back: any <${Field} id="ret-return" value=${back} size="12" onCommit=${(v) => set({ return: v })} /></label>
      <label>By <select id="ret-period" value=${period} onChange=${(e) => set({ rperiod: e.target.value })}>
        ${PERIODS.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
      <label>Periods <${Field} id="ret-periods" type="number" min="1" max="60" value=${String(periods)}
        onCommit=${(v) => set({ periods: v })} /></label>
      <label>Count <select id="ret-unit" value=${unit} onChange=${(e) => set({ runit: e.target.value })}>
        ${UNITS.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
    </div>
    <p class="hint">Event names, or <code>pageview</code> for any page. A cohort is everyone whose first ${cohort} in the
      range fell in that ${period}; a cell is the share of them with a ${back} ${period}s later.</p>
    <p class="note unit-note" data-unit=${unit}>${UNIT_NOTE[unit]}</p>
    <${Status} state=${state} empty=${state.data && !people ? (unit === 'users'
      ? `No identified user had a ${cohort} in this range. Identify signed-in users with ut.identify('<your user id>') or send userId from your server.`
      : `No visitor had a ${cohort} in this range.`) : ''} />
    ${people > 0 && html`<div class="heat-wrap"><table class="heat">
      <caption class="sr">Share of each cohort back, by ${period}s after its first ${cohort}</caption>
      <thead><tr><th scope="col">Cohort</th><th scope="col">Size</th>
        ${cols.map((n) => html`<th scope="col" title=${`${period} ${n}`}>${n}</th>`)}</tr></thead>
      <tbody>${cohorts.map((c) => html`<tr data-dimension=${`retention:${period}`} data-value=${c.cohort}>
        <th scope="row">${fmtDay(c.cohort)}</th>
        <td class="num size" data-metric="cohort_size" data-raw=${c.size}>${formatNumber(c.size)}</td>
        ${c.size ? html`<${Cell} share=${100} returned=${c.size} size=${c.size} n=${0} period=${period} />`
          : html`<td class="cell" data-metric="retention_share" data-period="0" data-raw="">–</td>`}
        ${c.share.map((s, i) => (c.size ? html`<${Cell} share=${s} returned=${c.returned[i]} size=${c.size} n=${i + 1} period=${period} />`
          : html`<td class="cell" data-metric="retention_share" data-period=${i + 1} data-raw="">${s === null ? '' : '–'}</td>`))}
      </tr>`)}</tbody></table></div>
      <p class="hint">Columns: ${period}s after the cohort's (0 is the cohort's own ${period}). Blank: not over yet.</p>`}
    ${state.data && html`<p class="hint">${state.data.note}</p>`}
  <//>`;
}
