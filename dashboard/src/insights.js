// The Insights view (/?view=insights): funnels, retention, paths and journeys from the insights
// module's routes, for the page's date range and filter chips. Each panel keeps its settings in
// the URL (state.ins), so a link reproduces it. These routes read with the owner's sign-in only
// (a share link gets 401 there), so a share page has no Insights tab.
import { FunnelsPanel } from './funnel.js';
import { JourneysPanel } from './journeys.js';
import { PathsPanel } from './paths.js';
import { Chips } from './reports.js';
import { RetentionPanel } from './retention.js';
import { html } from './ui.js';
import { localDays } from './url.js';

const PANELS = [['funnels', 'Funnels', FunnelsPanel], ['retention', 'Retention', RetentionPanel],
  ['paths', 'Paths', PathsPanel], ['journeys', 'Journeys', JourneysPanel]];

export function InsightsView({ site, state, nav }) {
  const active = PANELS.find(([k]) => k === state.ins.insight) || PANELS[0];
  const Panel = active[2];
  const days = localDays(state, site.timezone);
  const set = (patch) => nav((now) => ({ ins: { ...now.ins, ...patch } }));
  return html`<div class="days" data-from=${days[0]} data-to=${days[1]}></div>
    <div class="tabs insight-tabs" role="tablist" aria-label="Insights">${PANELS.map(([k, label]) => html`
      <button role="tab" aria-selected=${k === active[0]} class=${k === active[0] ? 'on' : ''}
        onClick=${() => set({ insight: k })}>${label}</button>`)}</div>
    <${Chips} filters=${state.filters} nav=${nav} />
    ${state.filters.length > 0 && active[0] === 'journeys' && html`<p class="note">Journeys show every event: the filters do not apply.</p>`}
    <div class="grid"><${Panel} key=${active[0]} site=${site} ins=${state.ins} set=${set} days=${days} filters=${state.filters} /></div>`;
}
