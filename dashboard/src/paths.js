// Paths: from a page or an event, the most common next (or previous) steps within a visit, as a
// ranked list per length (1 step, 2 steps…), each with how many visits took it.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { formatNumber } from './format.js';
import { parseStep, pct } from './funnel.js';
import { Card, Field, html, Status, useLoad } from './ui.js';

function Step({ text, anchor }) {
  const [kind, ...rest] = text.split(':');
  return html`<span class=${`pstep ${anchor ? 'anchor' : ''}`} title=${text}><span class="kind">${kind}</span>${rest.join(':')}</span>`;
}

export function PathsPanel({ site, ins, set, days, filters }) {
  const anchor = ins.anchor || 'page:/';
  const { page, event } = parseStep(anchor);
  const direction = ins.direction === 'previous' ? 'previous' : 'next';
  const depth = Math.min(5, Math.max(1, Number(ins.depth) || 3));
  const [level, setLevel] = useState(null);
  const q = `/api/v1/sites/${encodeURIComponent(site.site_id)}/paths?${page !== undefined ? 'page' : 'event'}=`
    + `${encodeURIComponent(page ?? event)}&direction=${direction}&depth=${depth}&limit=10`
    + `&date_range=${days.join(',')}&filters=${encodeURIComponent(JSON.stringify(filters))}`;
  const state = useLoad(() => api.get(q), q);
  const levels = state.data?.levels || [];
  const anchors = state.data?.anchors || 0;
  const shown = Math.min(level ?? depth, levels.length || depth);
  const rows = levels[shown - 1] || [];
  const submit = (e) => {
    e.preventDefault();
    const value = e.target.value.value.trim();
    if (value) set({ anchor: `${e.target.kind.value}:${value}` });
  };
  return html`<${Card} title="Paths" wide>
    <form class="controls" onSubmit=${submit}>
      <label>From <select name="kind" aria-label="Anchor kind" value=${page !== undefined ? 'page' : 'event'}>
        <option value="page">Page</option><option value="event">Event</option></select></label>
      <${Field} name="value" id="path-anchor" aria-label="Anchor: a path pattern or an event name" value=${page ?? event}
        placeholder="/pricing or signup" required />
      <label>Steps <select id="path-direction" value=${direction} onChange=${(e) => set({ direction: e.target.value })}>
        <option value="next">after it</option><option value="previous">before it</option></select></label>
      <label>Up to <select id="path-depth" value=${depth} onChange=${(e) => { setLevel(null); set({ depth: e.target.value }); }}>
        ${[1, 2, 3, 4, 5].map((n) => html`<option value=${n}>${n} ${n === 1 ? 'step' : 'steps'}</option>`)}</select></label>
      <button class="primary">Show paths</button>
    </form>
    <${Status} state=${state} empty=${state.data && !anchors ? `No visit reached ${page !== undefined ? `a page ${page}` : `the event ${event}`} in this range: widen the range or pick another page or event (* = any characters in a path).` : ''} />
    ${anchors > 0 && html`<p class="lead"><span class="big num" data-metric="path_anchors" data-raw=${anchors}>${formatNumber(anchors)}</span>${' visits reached '}<${Step}
      text=${anchor} anchor />${`, and the most common ${direction === 'next' ? 'next' : 'previous'} steps:`}</p>
      <div class="tabs" role="tablist" aria-label="Path length">${levels.map((_, i) => html`<button role="tab"
        aria-selected=${i + 1 === shown} class=${i + 1 === shown ? 'on' : ''} onClick=${() => setLevel(i + 1)}>${i + 1} ${i ? 'steps' : 'step'}</button>`)}</div>
      ${rows.length ? html`<ol class="paths">${rows.map((r, i) => {
        const seq = direction === 'next' ? [anchor, ...r.steps] : [...r.steps].reverse().concat(anchor);
        return html`<li data-dimension="path" data-value=${r.steps.join(' → ')}>
          <span class="rank">${i + 1}</span>
          <span class="pseq"><span class="bar" style=${{ width: `${(100 * r.count) / anchors}%` }}></span>
            ${seq.map((s, j) => {
              const at = direction === 'next' ? 0 : seq.length - 1; // the anchor's place in the row
              return html`${j > 0 && html`<span class=${`arrow ${j === at || j === at + 1 ? 'by-anchor' : ''}`} aria-hidden="true">→</span>`}<${Step} text=${s} anchor=${j === at} />`;
            })}</span>
          <span class="num" data-metric="path_visits" data-raw=${r.count}>${formatNumber(r.count)}</span>
          <span class="num muted" data-metric="path_share" data-raw=${Math.round((10000 * r.count) / anchors) / 100}>${pct((100 * r.count) / anchors)}</span>
        </li>`;
      })}</ol>` : html`<p class="note">No visit went ${shown} ${shown === 1 ? 'step' : 'steps'} ${direction === 'next' ? 'on' : 'back'} from there.</p>`}`}
    ${state.data && html`<p class="hint">${state.data.note} A visit counts once, from its first ${anchor}.</p>`}
  <//>`;
}
