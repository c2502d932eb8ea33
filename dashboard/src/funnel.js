// Funnels (the insights module): the bars of an answer, the main view's card of saved funnels, and
// the Insights view's panel (a saved funnel, or one built here). Saving needs the secret key (the
// sign-in cookie only reads), so the panel shows the curl that saves what is on screen.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { duration, formatNumber } from './format.js';
import { Card, html, Status, useLoad } from './ui.js';

const one = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
export const pct = (v) => (v === null || v === undefined ? '–' : `${one.format(v)}%`);
const enc = encodeURIComponent;

export const WINDOWS = [[3600, '1 hour'], [86400, '1 day'], [7 * 86400, '7 days'], [30 * 86400, '30 days'],
  [90 * 86400, '90 days']];
const ORDERS = [['ordered', 'In order, others between'], ['strict', 'In order, nothing between'], ['any', 'Any order']];
export const UNITS = [['visitors', 'Visitors (within a day)'], ['users', 'Identified users']];
const BREAKDOWNS = [['', 'No breakdown'], ['visit:country', 'Country'], ['visit:source', 'Source'],
  ['visit:channel', 'Channel'], ['visit:device', 'Device'], ['visit:browser', 'Browser'],
  ['visit:entry_page', 'Entry page']];
const DEFAULT_STEPS = ['page:/', 'page:/pricing'];

// A step in the URL is `page:<pattern>` or `event:<name>`; in the API, {page} or {event}.
export function parseStep(text) {
  const at = text.indexOf(':');
  const kind = text.slice(0, at);
  return kind === 'page' || kind === 'event' ? { [kind]: text.slice(at + 1) } : { page: text };
}
const stepText = (s) => (s.event ? `event:${s.event}` : `page:${s.page}`);

function StepName({ label }) {
  const [kind, ...rest] = label.split(':');
  const known = kind === 'page' || kind === 'event';
  return html`<span class="label" title=${label}>${known && html`<span class="kind">${kind}</span>`}${known ? rest.join(':') : label}</span>`;
}

// One group's steps as horizontal bars: the bar is the share of step 1 that got this far, the
// light stretch after it the share lost since the previous step.
export function FunnelBars({ steps }) {
  return html`<ol class="fsteps">${steps.map((s, i) => html`
    <li class="fstep" data-dimension="funnel:step" data-value=${s.label}>
      <div class="fhead"><span class="fn">${s.step}</span><${StepName} label=${s.label} />
        <span class="num fcount" data-metric="funnel_count" data-raw=${s.count}>${formatNumber(s.count)}</span>
        <span class="num fpct" data-metric="funnel_conversion" data-raw=${s.conversion_from_first}>${pct(s.conversion_from_first)}</span></div>
      <div class="ftrack" aria-hidden="true"><span class="fbar" style=${{ width: `${s.conversion_from_first}%` }}></span>${i > 0 && html`<span
        class="fdrop" style=${{ width: `${Math.max(0, steps[i - 1].conversion_from_first - s.conversion_from_first)}%` }}></span>`}</div>
      ${i > 0 && html`<div class="fmeta">
        <span><b class="num" data-metric="funnel_conversion_from_previous" data-raw=${s.conversion_from_previous}>${pct(s.conversion_from_previous)}</b> of step ${s.step - 1}</span>
        <span class="lost"><b class="num" data-metric="funnel_dropoff" data-raw=${s.dropoff}>${formatNumber(s.dropoff)}</b> dropped off
          (<span class="num" data-metric="funnel_dropoff_rate" data-raw=${s.dropoff_rate}>${pct(s.dropoff_rate)}</span>)</span>
        <span>median <b class="num" data-metric="funnel_median_s_from_previous" data-raw=${s.median_s_from_previous ?? ''}>${s.median_s_from_previous === null ? '–' : duration(s.median_s_from_previous)}</b> after step ${s.step - 1}</span>
      </div>`}
    </li>`)}</ol>`;
}

// The main view's card: the first saved funnel (or the chosen one) for the page's range and filters.
// Reading funnels needs the owner's sign-in: a share link's cookie gets 401 there, and an
// organisation key without `sites:write` 403, and no card shows.
export function Funnels({ site, range, filters, nav }) {
  const path = `/api/v1/sites/${enc(site.site_id)}/funnels`;
  const list = useLoad(() => api.get(path).catch((err) => ([401, 403].includes(err.status) ? null : Promise.reject(err))), path);
  const [chosen, setChosen] = useState(null);
  const funnels = list.data || [];
  const funnel = funnels.find((f) => f.id === chosen) || funnels[0];
  const q = funnel ? `${path}/${funnel.id}/analytics?date_range=${range.join(',')}&filters=${enc(JSON.stringify(filters))}` : '';
  const answer = useLoad(() => (q ? api.get(q) : Promise.resolve(null)), q);
  if (list.data === null && !list.loading && !list.error) return null; // a share link
  const steps = answer.data?.results[0]?.steps || [];
  return html`<${Card} title="Funnels">
    ${funnels.length > 1 && html`<label class="prop">Funnel <select value=${funnel.id}
      onChange=${(e) => setChosen(Number(e.target.value))}>${funnels.map((f) => html`<option value=${f.id}>${f.name}</option>`)}</select></label>`}
    ${funnels.length === 1 && html`<h3>${funnel.name}</h3>`}
    <${Status} state=${funnel ? answer : list} empty=${list.data && !funnels.length
      ? 'No saved funnels yet: build one in Insights.' : ''} />
    ${steps.length > 0 && html`<${FunnelBars} steps=${steps} />`}
    <button class="link more" onClick=${() => nav({ view: 'insights', ins: { insight: 'funnels', ...(funnel ? { funnel: String(funnel.id) } : {}) } })}>
      ${funnel ? 'Open in Insights →' : 'Build a funnel in Insights →'}</button>
  <//>`;
}

function Builder({ steps, windowS, order, onRun }) {
  const [draft, setDraft] = useState(steps.map(stepText));
  useEffect(() => setDraft(steps.map(stepText)), [JSON.stringify(steps)]);
  const edit = (i, text) => setDraft(draft.map((s, j) => (j === i ? text : s)));
  const submit = (e) => {
    e.preventDefault();
    onRun({ step: draft, window: e.target.window.value, order: e.target.order.value });
  };
  return html`<form class="builder" onSubmit=${submit}>
    <ol class="bsteps">${draft.map((text, i) => {
      const { page, event } = parseStep(text);
      const kind = event !== undefined ? 'event' : 'page';
      return html`<li><span class="fn">${i + 1}</span>
        <select aria-label=${`Step ${i + 1}: kind`} value=${kind} onChange=${(e) => edit(i, `${e.target.value}:${page ?? event}`)}>
          <option value="page">Page</option><option value="event">Event</option></select>
        <input aria-label=${`Step ${i + 1}: ${kind === 'page' ? 'path pattern' : 'event name'}`} required maxlength="200"
          value=${page ?? event} placeholder=${kind === 'page' ? '/pricing or /blog/*' : 'signup'}
          onInput=${(e) => edit(i, `${kind}:${e.target.value}`)} />
        <button type="button" class="icon" aria-label=${`Remove step ${i + 1}`} disabled=${draft.length <= 2}
          onClick=${() => setDraft(draft.filter((_, j) => j !== i))}>×</button></li>`;
    })}</ol>
    <div class="brow">
      <button type="button" class="link" disabled=${draft.length >= 10} onClick=${() => setDraft([...draft, 'event:'])}>+ Add step</button>
      <label>Window <select name="window" value=${windowS}>${WINDOWS.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
      <label>Order <select name="order" value=${order}>${ORDERS.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
      <button class="primary">Show funnel</button>
    </div></form>`;
}

function SaveHint({ site, steps, windowS, order }) {
  const body = JSON.stringify({ name: 'My funnel', steps, window_s: windowS, order });
  const curl = `curl -X POST ${location.origin}/api/v1/sites/${site.site_id}/funnels -H 'X-API-Key: sk_…' \\\n`
    + `  -H 'Content-Type: application/json' -d '${body}'`;
  return html`<details class="save"><summary>Save this funnel</summary>
    <p>Saving is a write, and writes need the site's secret key (this page's sign-in only reads). Run this
      with your key, then reload: it joins the list above.</p>
    <pre><code>${curl}</code></pre></details>`;
}

export function FunnelsPanel({ site, ins, set, days, filters }) {
  const base = `/api/v1/sites/${enc(site.site_id)}/funnels`;
  // A key without `sites:write` may not list the saved funnels (403): it builds them here.
  const list = useLoad(() => api.get(base).catch((err) => (err.status === 403 ? [] : Promise.reject(err))), base);
  const saved = list.data || [];
  const adhoc = ins.funnel === 'adhoc' || (list.data !== null && !saved.length);
  const funnel = adhoc ? null : saved.find((f) => String(f.id) === ins.funnel) || saved[0];
  const steps = adhoc ? (ins.step || DEFAULT_STEPS).map(parseStep) : funnel?.steps;
  const windowS = adhoc ? Number(ins.window) || 86400 : funnel?.window_s;
  const order = adhoc ? ins.order || 'ordered' : funnel?.order;
  const unit = ins.unit || 'visitors';
  const breakdown = ins.breakdown || '';
  const common = `date_range=${days.join(',')}&unit=${unit}&filters=${enc(JSON.stringify(filters))}${breakdown ? `&breakdown=${enc(breakdown)}` : ''}`;
  const ready = steps && steps.length >= 2 && steps.every((s) => (s.event || s.page || '').trim());
  const q = !ready ? '' : adhoc ? `${base}/analytics?steps=${enc(JSON.stringify(steps))}&window_s=${windowS}&order=${order}&${common}`
    : `${base}/${funnel.id}/analytics?${common}`;
  // The answer keeps the breakdown it was asked with: while the next one loads, it is drawn as what it is.
  const answer = useLoad(async () => (q ? { ...(await api.get(q)), by: breakdown } : null), q);
  const by = answer.data?.by || '';
  const groups = (answer.data?.results || []).slice().sort((a, b) => b.steps[0].count - a.steps[0].count);
  const edit = () => set({ funnel: 'adhoc', step: steps.map(stepText), window: String(windowS), order });
  return html`<${Card} title="Funnel" wide>
    <div class="controls">
      <label>Funnel <select id="funnel-pick" value=${adhoc ? 'adhoc' : String(funnel?.id ?? '')}
        onChange=${(e) => set({ funnel: e.target.value })}>
        ${saved.map((f) => html`<option value=${String(f.id)}>${f.name}</option>`)}
        <option value="adhoc">Build one here…</option></select></label>
      <label>Count <select id="funnel-unit" value=${unit} onChange=${(e) => set({ unit: e.target.value })}>
        ${UNITS.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
      <label>Breakdown <select id="funnel-breakdown" value=${breakdown} onChange=${(e) => set({ breakdown: e.target.value })}>
        ${BREAKDOWNS.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
    </div>
    <${Status} state=${list} />
    ${adhoc && html`<${Builder} steps=${steps} windowS=${windowS} order=${order} onRun=${set} />`}
    ${funnel && html`<p class="hint">${funnel.steps.length} steps within ${WINDOWS.find(([v]) => v === funnel.window_s)?.[1]
      || duration(funnel.window_s)}, ${ORDERS.find(([v]) => v === funnel.order)[1].toLowerCase()}.
      <button class="link" onClick=${edit}>Change it</button></p>`}
    ${unit === 'visitors' && windowS > 86400 && html`<p class="note">Anonymous visitors are a new hash every UTC day:
      a window longer than a day only helps identified users.</p>`}
    <${Status} state=${answer} empty=${!ready && adhoc ? 'Name every step: a page path (`*` = any characters) or an event name.' : ''} />
    ${groups.length > 0 && groups[0].steps[0].count === 0 && !by && html`<p class="note">Nobody reached step 1 in this
      range. Widen the date range, or check the step: a page pattern matches the whole path (<code>/blog/*</code>),
      an event step a custom event's name.</p>`}
    <div aria-busy=${answer.loading} class="fresult">${groups.slice(0, 8).map((g) => (by ? html`<section class="fgroup" data-dimension=${by} data-value=${g.value ?? ''}>
      <h3>${g.value || '(none)'}</h3><${FunnelBars} steps=${g.steps} /></section>` : html`<${FunnelBars} steps=${g.steps} />`))}</div>
    ${groups.length > 8 && html`<p class="hint">${groups.length - 8} more ${by} values not shown.</p>`}
    ${answer.data && html`<p class="hint">${answer.data.note}</p>`}
    ${adhoc && ready && html`<${SaveHint} site=${site} steps=${steps} windowS=${windowS} order=${order} />`}
  <//>`;
}
