// Journeys: one visit's events by session id (anonymous traffic too), and an identified user's
// events across visits. The user id stays in this component, never in the page's URL: a URL
// reaches access logs, and the id is the one thing the service never stores in the clear.
import { useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { duration, formatNumber } from './format.js';
import { Card, Field, html, Status, useLoad } from './ui.js';

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const when = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

function Visits({ answer, onTimeline }) {
  const n = answer.visits.length;
  return html`<p><span class="num" data-metric="journey_events" data-raw=${answer.events}>${formatNumber(answer.events)}</span>${' events in '}<span
      class="num" data-metric="journey_visits" data-raw=${n}>${formatNumber(n)}</span>${n === 1 ? ' visit' : ' visits'}</p>
    ${answer.visits.map((v) => {
      const first = v.events[0] || {};
      return html`<section class="visit" data-dimension="visit:session_id" data-value=${v.session_id}>
        <header class="visit-head"><strong>${when.format(new Date(v.started_ms))}</strong>
          <span class="muted">${duration((v.ended_ms - v.started_ms) / 1000)} · ${[first.device_type, first.browser, first.os, first.country].filter(Boolean).join(' · ')}</span>
          ${onTimeline ? html`<button class="link" onClick=${() => onTimeline(v.session_id)}>Visit ${v.session_id} →</button>`
            : html`<span class="muted">visit ${v.session_id}</span>`}</header>
        <ol class="events">${v.events.map((e) => html`<li data-dimension="journey:event" data-value=${e.event_id}
            data-type=${e.type} data-name=${e.name} data-page=${e.pathname}>
          <time>${clock.format(new Date(e.ts_ms))}</time><span class="tag">${e.type === 'pageview' ? 'page' : e.type}</span>
          <span class="label">${e.type === 'pageview' ? e.pathname : html`<b>${e.name}</b> <span class="muted">${e.pathname}</span>`}</span>
          ${Object.keys(e.props).length > 0 && html`<span class="props">${Object.entries(e.props).map(([k, val]) => html`<code>${k}=${val}</code>`)}</span>`}
        </li>`)}</ol></section>`;
    })}`;
}

function Lookup({ id, label, placeholder, value, pattern, onSubmit, hint }) {
  return html`<form class="controls" onSubmit=${(e) => { e.preventDefault(); onSubmit(e.target.q.value.trim()); }}>
    <label for=${id}>${label}</label><${Field} id=${id} name="q" value=${value} size="22" placeholder=${placeholder} required
      pattern=${pattern} autocomplete="off" /><button class="primary">Show</button><span class="hint">${hint}</span></form>`;
}

export function JourneysPanel({ site, ins, set, days }) {
  const siteUrl = `/api/v1/sites/${encodeURIComponent(site.site_id)}`;
  const session = /^[0-9]+$/.test(ins.session || '') ? ins.session : '';
  const [user, setUser] = useState('');
  const timelineCard = useRef(null);
  const tq = session ? `${siteUrl}/visits/${session}/timeline?date_range=${days.join(',')}` : '';
  const uq = user ? `${siteUrl}/users/${encodeURIComponent(user)}/journey?date_range=${days.join(',')}` : '';
  const timeline = useLoad(() => (tq ? api.get(tq) : Promise.resolve(null)), tq);
  const journey = useLoad(() => (uq ? api.get(uq) : Promise.resolve(null)), uq);
  const openVisit = (id) => {
    set({ session: id });
    timelineCard.current?.scrollIntoView({ block: 'start' });
  };
  return html`
    <div class="card wide" ref=${timelineCard} id="visit-timeline"><header class="card-head"><h2>Visit timeline</h2></header>
      <${Lookup} id="session-id" label="Session id" placeholder="1234567890" value=${session} pattern="[0-9]+"
        onSubmit=${(v) => set({ session: v })} hint="A visit's number: on each visit of a user's journey below, and in exports." />
      <${Status} state=${timeline} empty=${!session ? 'Enter a session id to see that visit\'s events in order (anonymous visits too).'
        : timeline.data && !timeline.data.events ? `No events of visit ${session} in this range: widen the date range.` : ''} />
      ${timeline.data?.events > 0 && html`<${Visits} answer=${timeline.data} />`}
    </div>
    <${Card} title="User journey" wide>
      <${Lookup} id="user-id" label="User id" placeholder="cust-8842" value=${user}
        onSubmit=${setUser} hint="The id you send with ut.identify() or a server event's userId; hashed for the lookup, as at ingest." />
      <${Status} state=${journey} empty=${!user ? 'Enter a user id to see their events across visits, oldest first.'
        : journey.data && !journey.data.events ? 'No events for this user id in this range. Ids match exactly; events sent before ut.identify() stay anonymous.' : ''} />
      ${journey.data?.events > 0 && html`<${Visits} answer=${journey.data} onTimeline=${openVisit} />
        <p class="hint">${journey.data.note}</p>`}
    <//>`;
}
