// The view lives in the query string (a link reproduces it); a share link's token in the fragment.
export const PERIODS = [
  ['today', 'Today'], ['yesterday', 'Yesterday'], ['7d', 'Last 7 days'], ['28d', 'Last 28 days'],
  ['30d', 'Last 30 days'], ['month', 'This month'], ['12mo', 'Last 12 months'], ['custom', 'Custom range'],
];
const INTERVALS = {
  today: ['hour'], yesterday: ['hour'], '7d': ['hour', 'day'], '28d': ['day', 'week'], '30d': ['day', 'week'],
  month: ['day', 'week'], '12mo': ['day', 'week', 'month'], custom: ['hour', 'day', 'week', 'month'],
};

const DEFAULT_INTERVAL = { today: 'hour', yesterday: 'hour', '12mo': 'month' };

export function intervals(period) {
  return INTERVALS[period] || INTERVALS.custom;
}

export function defaultInterval(period) {
  return DEFAULT_INTERVAL[period] || 'day';
}

const VIEWS = ['main', 'realtime', 'insights'];
// The Insights view's own settings (each panel reads its keys; `step` repeats, one per funnel step).
// A user id is never one of them: the page's URL reaches the server's (and any proxy's) access log.
export const INSIGHT_KEYS = ['insight', 'funnel', 'window', 'order', 'unit', 'breakdown', 'cohort', 'return',
  'rperiod', 'periods', 'runit', 'anchor', 'direction', 'depth', 'session'];

function readInsights(p) {
  const ins = {};
  for (const k of INSIGHT_KEYS) if (p.has(k)) ins[k] = p.get(k);
  if (p.has('step')) ins.step = p.getAll('step');
  return ins;
}

export function readState() {
  const p = new URLSearchParams(location.search);
  const period = PERIODS.some(([k]) => k === p.get('period')) ? p.get('period') : '7d';
  const allowed = intervals(period);
  const interval = allowed.includes(p.get('interval')) ? p.get('interval') : defaultInterval(period);
  const filters = p.getAll('f').map((f) => {
    const [dimension, op, ...value] = f.split('|');
    return dimension && op ? [op, dimension, [value.join('|')]] : null;
  }).filter(Boolean);
  return {
    site: p.get('site') || '', view: VIEWS.includes(p.get('view')) ? p.get('view') : 'main', period, interval, filters,
    from: p.get('from') || '', to: p.get('to') || '', compare: p.get('compare') === '1',
    metric: p.get('metric') || 'visitors', ins: readInsights(p),
  };
}

export function writeState(s) {
  const p = new URLSearchParams();
  if (s.site) p.set('site', s.site);
  if (s.view !== 'main') p.set('view', s.view);
  p.set('period', s.period);
  if (s.period === 'custom') {
    p.set('from', s.from);
    p.set('to', s.to);
  }
  if (s.compare) p.set('compare', '1');
  p.set('interval', s.interval);
  if (s.metric !== 'visitors') p.set('metric', s.metric);
  for (const [op, dimension, [value]] of s.filters) p.append('f', `${dimension}|${op}|${value}`);
  if (s.view === 'insights') {
    for (const k of INSIGHT_KEYS) if (s.ins[k] !== undefined && s.ins[k] !== '') p.set(k, s.ins[k]);
    for (const step of s.ins.step || []) p.append('step', step);
  }
  history.pushState(null, '', `${location.pathname}?${p}${location.hash}`);
}

export function today(timezone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}

export function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// The API's date_range for a state: relative names where the engine has them, days otherwise.
export function dateRange(s, timezone) {
  if (s.period === 'today') return 'day';
  if (s.period === 'yesterday') {
    const y = addDays(today(timezone), -1);
    return [y, y];
  }
  if (s.period === 'custom') return [s.from || today(timezone), s.to || today(timezone)];
  return s.period;
}

function monthEnd(iso) {
  const d = new Date(`${iso.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return d.toISOString().slice(0, 10);
}

// The days a state covers, [from, to], by the engine's rules (src/core/query/dates.py): the
// e-commerce and vitals reports take days, and the graph's previous period is asked for by its days,
// so neither waits for the headline's answer. The tests hold these to the engine's `query.date_range`.
export function localDays(s, timezone) {
  const t = today(timezone);
  const range = dateRange(s, timezone);
  if (Array.isArray(range)) return range;
  if (range === 'day') return [t, t];
  if (range === 'month') return [`${t.slice(0, 7)}-01`, monthEnd(t)];
  if (range === '12mo') {
    const d = new Date(`${t.slice(0, 7)}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() - 11);
    return [d.toISOString().slice(0, 10), monthEnd(t)];
  }
  return [addDays(t, 1 - Number(range.slice(0, -1))), t];
}

// The engine's previous period: the same number of days, ending the day before `from`.
export function previousDays([from, to]) {
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86400000) + 1;
  return [addDays(from, -days), addDays(from, -1)];
}
