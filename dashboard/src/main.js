// The dashboard: sign-in, the main view, the realtime view and the insights view. Every number on screen comes from a
// public API route and carries data-metric (and data-raw, its exact value); every report row
// data-dimension and data-value. The view state is the URL.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, openShareSession, useShareToken, whenSignedOut } from './api.js';
import { Chart } from './chart.js';
import { Ecommerce, Vitals } from './commerce.js';
import { Funnels } from './funnel.js';
import { InsightsView } from './insights.js';
import { Realtime, usePresence } from './realtime.js';
import { CARDS, Chips, Report } from './reports.js';
import { Change, html, Status, useLoad, Value } from './ui.js';
import { dateRange, defaultInterval, intervals, localDays, PERIODS, previousDays, readState, today, writeState } from './url.js';
import './style.css';

const HEADLINE = [['visitors', 'Unique visitors'], ['visits', 'Visits'], ['pageviews', 'Pageviews'],
  ['views_per_visit', 'Views per visit'], ['bounce_rate', 'Bounce rate'], ['visit_duration', 'Visit duration']];
const SHARED = location.pathname.startsWith('/share');

function SignIn({ onSignedIn }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await api.post('/api/v1/dashboard/session', { key: e.target.key.value }));
    } catch (err) {
      setError(err.message);
      setBusy(false);
    }
  };
  return html`<main class="signin"><form class="card" onSubmit=${submit}>
    <h1>Universal Tracking</h1>
    <label for="key">Your site's secret key, or an organisation key</label>
    <input id="key" name="key" type="password" autocomplete="off" required placeholder="sk_… or uk_…" autofocus />
    <p class="hint">The key is exchanged for a session cookie and is not kept by this page. A site's key was
      printed by <code>utrack sites create</code>; an organisation key (<code>utrack keys create</code>) needs
      the <code>stats:read</code> scope and opens every site it reaches.</p>
    ${error && html`<p class="note error" role="alert">${error}</p>`}
    <button class="primary" disabled=${busy}>Sign in</button>
  </form></main>`;
}

function Header({ site, sites, state, nav, onSignOut }) {
  const setPeriod = (period) => {
    const patch = { period, interval: defaultInterval(period) };
    if (period === 'custom' && !state.from) Object.assign(patch, { from: today(site.timezone), to: today(site.timezone) });
    nav(patch);
  };
  return html`<header class="top">
    <div class="brand">${sites.length > 1 ? html`<label class="sr" for="site">Site</label>
      <select id="site" value=${site.site_id} onChange=${(e) => nav({ site: e.target.value, filters: [], ins: {} })}>
        ${sites.map((s) => html`<option value=${s.site_id}>${s.domain}</option>`)}</select>`
      : html`<strong>${site.domain}</strong>`}${SHARED && html`<span class="tag">shared · read-only</span>`}</div>
    <nav class="views" aria-label="Views">
      <button class=${state.view === 'main' ? 'on' : ''} aria-current=${state.view === 'main'} onClick=${() => nav({ view: 'main' })}>Dashboard</button>
      <button class=${state.view === 'realtime' ? 'on' : ''} aria-current=${state.view === 'realtime'} onClick=${() => nav({ view: 'realtime' })}>Realtime</button>
      ${!SHARED && html`<button class=${state.view === 'insights' ? 'on' : ''} aria-current=${state.view === 'insights'}
        onClick=${() => nav({ view: 'insights' })}>Insights</button>`}
    </nav>
    ${state.view !== 'realtime' && html`<div class="controls">
      <label class="sr" for="period">Date range</label>
      <select id="period" value=${state.period} onChange=${(e) => setPeriod(e.target.value)}>
        ${PERIODS.map(([k, l]) => html`<option value=${k}>${l}</option>`)}</select>
      ${state.period === 'custom' && html`<span class="custom">
        <input type="date" aria-label="From" value=${state.from} max=${state.to} onChange=${(e) => nav({ from: e.target.value })} />
        <input type="date" aria-label="To" value=${state.to} min=${state.from} onChange=${(e) => nav({ to: e.target.value })} /></span>`}
      ${state.view === 'main' && html`<label class="toggle"><input type="checkbox" id="compare" checked=${state.compare}
        onChange=${(e) => nav({ compare: e.target.checked })} /> Compare</label>`}
    </div>`}
    ${!SHARED && html`<details class="share"><summary>Share</summary><div class="card">
      <p>A read-only link to this dashboard: create a share token with the secret key, then send</p>
      <pre><code>${location.origin}/share#st_…</code></pre>
      <pre><code>curl -X POST ${location.origin}/api/v1/sites/${site.site_id}/share-tokens \
  -H 'X-API-Key: sk_…' -H 'Content-Type: application/json' -d '{"label": "team"}'</code></pre>
      <p class="hint">Revoke it with DELETE …/share-tokens/${'<id>'}: open share pages stop within 15 minutes.</p></div></details>`}
    ${!SHARED && html`<button class="link" onClick=${onSignOut}>Sign out</button>`}
  </header>`;
}

function Snippet({ site }) {
  const state = useLoad(() => api.get('/api/v1/tracker'), 'tracker');
  const snippet = state.data ? state.data.snippet.replace('SITE_ID', site.site_id) : '';
  return html`<section class="card wide empty"><h2>No visitors in this range yet</h2>
    <p>Install the snippet in every page of ${site.domain}, just before <code>&lt;/head&gt;</code>:</p>
    <pre><code>${snippet || '…'}</code></pre>
    <p class="hint">Visits show up here within seconds; the Realtime view shows them as they happen.</p></section>`;
}

function Graph({ base, baseKey, state, nav, comparisonRange }) {
  const query = (range) => api.query({ ...base, date_range: range, metrics: [state.metric],
    dimensions: [`time:${state.interval}`], include: { time_labels: true } });
  const graph = useLoad(async () => {
    const [now, before] = await Promise.all([query(base.date_range), comparisonRange ? query(comparisonRange) : null]);
    const series = (answer) => {
      const byLabel = new Map(answer.results.map((r) => [r.dimensions[0], r.metrics[0]]));
      return answer.meta.time_labels.map((l) => byLabel.get(l) ?? 0);
    };
    return { labels: now.meta.time_labels, values: series(now), previous: before ? series(before) : null };
  }, `${baseKey}|${state.metric}|${state.interval}|${comparisonRange}`);
  return html`<section class="card wide graph">
    <header class="card-head"><h2>${HEADLINE.find(([m]) => m === state.metric)?.[1] || state.metric} over time</h2>
      <div class="tabs">${intervals(state.period).map((i) => html`<button class=${i === state.interval ? 'on' : ''}
        aria-pressed=${i === state.interval} onClick=${() => nav({ interval: i })}>${i}</button>`)}</div></header>
    <${Status} state=${graph} />
    ${graph.data && html`<${Chart} ...${graph.data} metric=${state.metric} interval=${state.interval} />`}
  </section>`;
}

function MainView({ site, state, nav, presence }) {
  const base = { site_id: site.site_id, date_range: dateRange(state, site.timezone), filters: state.filters };
  const baseKey = JSON.stringify(base);
  const head = useLoad(() => api.query({ ...base, metrics: HEADLINE.map(([m]) => m),
    include: state.compare ? { comparison: 'previous_period' } : {} }), `${baseKey}|${state.compare}`);
  const row = head.data?.results[0];
  const days = localDays(state, site.timezone);
  const comparisonRange = state.compare ? previousDays(days) : null;
  const addFilter = (f) => {
    if (!state.filters.some((g) => g[1] === f[1] && g[2][0] === f[2][0])) nav({ filters: [...state.filters, f] });
  };
  const shop = { site, base, baseKey, compare: state.compare, range: days, filtered: state.filters.length > 0 };
  return html`<div class="days" data-from=${days[0]} data-to=${days[1]}
      data-previous-from=${comparisonRange ? comparisonRange[0] : ''} data-previous-to=${comparisonRange ? comparisonRange[1] : ''}></div>
    <${Chips} filters=${state.filters} nav=${nav} />
    <section class="metrics" aria-label="Headline numbers">
      <button class="metric live" onClick=${() => nav({ view: 'realtime' })}>
        <span class="metric-label"><span class="pulse" aria-hidden="true"></span>Live now</span>
        <${Value} metric="live_visitors" value=${presence ? presence.visitors : null} cls="big" /></button>
      ${HEADLINE.map(([m, label], i) => html`<button class="metric ${state.metric === m ? 'on' : ''}"
          aria-pressed=${state.metric === m} onClick=${() => nav({ metric: m })}>
        <span class="metric-label">${label}</span>
        <${Value} metric=${m} value=${row ? row.metrics[i] : null} cls="big" />
        ${row?.comparison && html`<${Change} metric=${m} change=${row.comparison.change[i]} value=${row.metrics[i]} />`}</button>`)}
    </section>
    ${head.error && html`<${Status} state=${head} />`}
    ${row && row.metrics[0] === 0 && !state.filters.length && html`<${Snippet} site=${site} />`}
    <div class="grid">
      <${Graph} base=${base} baseKey=${baseKey} state=${state} nav=${nav} comparisonRange=${comparisonRange} />
      ${CARDS.map((card) => html`<${Report} key=${card.title} card=${card} base=${base} baseKey=${baseKey} onFilter=${addFilter} />`)}
      ${!SHARED && html`<${Funnels} site=${site} range=${days} filters=${state.filters} nav=${nav} />`}
      <${Ecommerce} ...${shop} />
      <${Vitals} ...${shop} onFilter=${addFilter} />
    </div>`;
}

// `session.sites`: every site the sign-in reads (several for an organisation key); the URL's `site`
// picks one, the first by default.
function Dashboard({ session, onSignOut }) {
  const [state, setState] = useState(readState);
  // The state as last navigated to, not as last rendered: two changes before a render (a form
  // submitted, then a select changed) must both land. `patch` may be a function of that state.
  const latest = useRef(state);
  useEffect(() => {
    const back = () => setState((latest.current = readState()));
    addEventListener('popstate', back);
    return () => removeEventListener('popstate', back);
  }, []);
  const nav = (patch) => {
    const next = { ...latest.current, ...(typeof patch === 'function' ? patch(latest.current) : patch) };
    latest.current = next;
    writeState(next);
    setState(next);
  };
  const site = session.sites.find((s) => s.site_id === state.site) || session.sites[0];
  const presence = usePresence(site.site_id);
  return html`<${Header} site=${site} sites=${session.sites} state=${state} nav=${nav} onSignOut=${onSignOut} />
    <main class="page" key=${site.site_id}>${state.view === 'realtime' ? html`<${Realtime} site=${site} presence=${presence} />`
      : state.view === 'insights' && !SHARED ? html`<${InsightsView} site=${site} state=${state} nav=${nav} />`
        : html`<${MainView} site=${site} state=${state} nav=${nav} presence=${presence} />`}</main>`;
}

function App() {
  const [session, setSession] = useState(undefined); // undefined: asking; null: signed out
  const [error, setError] = useState('');
  useEffect(() => {
    whenSignedOut(() => setSession(null));
    const token = SHARED ? decodeURIComponent(location.hash.slice(1)) : '';
    if (SHARED && !token) {
      setError('This share link has no token: ask for the whole link (it ends in #st_…).');
      return;
    }
    if (SHARED) useShareToken(token);
    (SHARED ? openShareSession().then(() => api.get('/api/v1/dashboard/session?scope=share'))
      : api.get('/api/v1/dashboard/session'))
      .then(setSession, (err) => (err instanceof ApiError && err.status === 401 && !SHARED ? setSession(null)
        : setError(err.message)));
  }, []);
  const signOut = async () => {
    await api.del('/api/v1/dashboard/session');
    setSession(null);
  };
  if (error) return html`<main class="signin"><p class="card note error" role="alert">${error}</p></main>`;
  if (session === undefined) return html`<p class="note">Loading…</p>`;
  if (session === null) return html`<${SignIn} onSignedIn=${setSession} />`;
  return html`<${Dashboard} session=${session} onSignOut=${signOut} />`;
}

render(html`<${App} />`, document.getElementById('app'));
