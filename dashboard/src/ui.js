// Small shared pieces: the html tag, data fetching, a metric value, a card with tabs.
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { formatChange, formatMetric } from './format.js';

export const html = htm.bind(h);

// Runs `load` whenever `key` changes; a stale answer never overwrites a newer one.
export function useLoad(load, key) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ loading: false, data, error: null }),
      (error) => current && setState({ loading: false, data: null, error }),
    );
    return () => {
      current = false;
    };
  }, [key]);
  return state;
}

// A text field that keeps what is typed across re-renders (an answer arriving must not put the
// old value back under the user's fingers), reset when the value it edits changes; `onCommit` on
// change (Enter, or leaving the field). The reset compares with the value last seen: an effect
// runs after the next frame, so one that ran on mount too put the initial value back over whatever
// was typed in the field's first frame (a key typed right after the Properties tab opened).
export function Field({ value, onCommit, ...rest }) {
  const [text, setText] = useState(value);
  const seen = useRef(value);
  useEffect(() => {
    if (seen.current !== value) setText((seen.current = value));
  }, [value]);
  return h('input', { ...rest, value: text, onInput: (e) => setText(e.target.value),
    onChange: onCommit && ((e) => e.target.value.trim() && onCommit(e.target.value.trim())) });
}

export function Value({ metric, value, tag = 'span', cls = '' }) {
  return h(tag, { class: `num ${cls}`, 'data-metric': metric, 'data-raw': value ?? '' }, formatMetric(metric, value));
}

// Fewer bounces and faster pages are good news: the colour follows the meaning, the arrow the number.
const LOWER_IS_BETTER = new Set(['bounce_rate', 'lcp_p75', 'inp_p75', 'cls_p75', 'fcp_p75', 'ttfb_p75']);

// `change` is null when the previous value was 0: "new", unless the value is still 0.
export function Change({ metric, change, value }) {
  if (change === undefined || (change === null && value === 0)) return null;
  const good = LOWER_IS_BETTER.has(metric) ? change < 0 : change > 0;
  const cls = change === null || change === 0 ? 'flat' : good ? 'up' : 'down';
  return html`<span class="change ${cls}" data-metric="${metric}_change" data-raw=${change ?? ''}>
    ${change === null ? 'new' : formatChange(metric, change)}</span>`;
}

export function Card({ title, tabs, active, onTab, children, wide }) {
  return html`<section class="card ${wide ? 'wide' : ''}">
    <header class="card-head"><h2>${title}</h2>
      ${tabs && html`<div class="tabs" role="tablist">${tabs.map(([key, label]) => html`
        <button role="tab" aria-selected=${key === active} class=${key === active ? 'on' : ''}
          onClick=${() => onTab(key)}>${label}</button>`)}</div>`}
    </header>${children}</section>`;
}

export function Status({ state, empty }) {
  if (state.error) return html`<p class="note error" role="alert">${state.error.message}</p>`;
  if (state.loading && !state.data) return html`<p class="note">Loading…</p>`;
  if (empty) return html`<p class="note">${empty}</p>`;
  return null;
}
