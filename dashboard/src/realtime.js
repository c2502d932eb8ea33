// Realtime: the presence stream (a snapshot, then a message within a second of any change) and the
// live event feed, both Server-Sent Events: nothing polls.
import { useEffect, useState } from 'preact/hooks';
import { liveStream } from './api.js';
import { formatNumber } from './format.js';
import { Card, html } from './ui.js';

export function usePresence(siteId) {
  const [snapshot, setSnapshot] = useState(null);
  useEffect(() => liveStream(`/presence/stream?site_id=${encodeURIComponent(siteId)}`,
    { snapshot: setSnapshot, presence: setSnapshot }), [siteId]);
  return snapshot;
}

// What a person watching wants to see arrive; Web Vitals and engagement pings are measurements.
const SHOWN = new Set(['pageview', 'event', 'ecommerce']);

function useFeed(siteId) {
  const [events, setEvents] = useState([]);
  useEffect(() => liveStream(`/events/stream?site_id=${encodeURIComponent(siteId)}&backlog=50`, {
    event: (e) => SHOWN.has(e.type) && setEvents((list) => [e, ...list.filter((x) => x.id !== e.id)].slice(0, 50)),
  }), [siteId]);
  return events;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const time = { format: (d) => (d.toDateString() === new Date().toDateString() ? clock : day).format(d) };

function LiveList({ title, rows, dimension, empty }) {
  return html`<${Card} title=${title}>${rows.length ? html`<ol class="rows">${rows.map(([value, visitors]) => html`
    <li data-dimension=${dimension} data-value=${value}><span class="label">${value || '(unknown)'}</span>
      <span class="num" data-metric="live_visitors" data-raw=${visitors}>${formatNumber(visitors)}</span></li>`)}</ol>`
    : html`<p class="note">${empty}</p>`}<//>`;
}

export function Realtime({ site, presence }) {
  const feed = useFeed(site.site_id);
  const p = presence || { visitors: null, top_pages: [], countries: [], devices: [], window_s: 300 };
  return html`<div class="grid">
    <section class="card wide live-head">
      <span class="pulse" aria-hidden="true"></span>
      <span class="big num" data-metric="live_visitors" data-raw=${p.visitors ?? ''}>${p.visitors === null ? '–' : formatNumber(p.visitors)}</span>
      <span>visitors in the last <span data-metric="presence_window_minutes" data-raw=${p.window_s / 60}>${Math.round(p.window_s / 60)}</span> minutes</span>
    </section>
    <${LiveList} title="Pages now" rows=${p.top_pages.map((r) => [r.pathname, r.visitors])} dimension="live:page" empty="Nobody on the site right now." />
    <${LiveList} title="Countries now" rows=${p.countries.map((r) => [r.country, r.visitors])} dimension="live:country" empty="No located visitors right now." />
    <${Card} title="Live events (pageviews, custom and shop events)" wide>${feed.length ? html`<ol class="feed">${feed.map((e) => html`
      <li data-dimension="live:event" data-value=${e.id}><time>${time.format(new Date(e.ts))}</time>
        <span class="tag">${e.type}</span><span class="label">${e.type === 'pageview' ? e.pathname : `${e.name} · ${e.pathname}`}</span>
        <span class="muted">${[e.country, e.device_type].filter(Boolean).join(' · ')}</span></li>`)}</ol>`
      : html`<p class="note">Waiting for events… they appear here as they arrive.</p>`}<//>
  </div>`;
}
