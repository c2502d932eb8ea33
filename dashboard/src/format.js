// Numbers in the browser's locale. `raw` values go into data-raw, the formatted ones on screen.
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const two = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${rest}s`;
}

export function formatMetric(metric, value) {
  if (value === null || value === undefined) return '–';
  switch (metric) {
    case 'bounce_rate':
    case 'conversion_rate':
    case 'percentage':
      return `${one.format(value)}%`;
    case 'visit_duration':
      return duration(value);
    case 'views_per_visit':
      return two.format(value);
    default:
      return whole.format(value);
  }
}

export function formatChange(metric, change) {
  if (change === null || change === undefined) return '';
  const arrow = change > 0 ? '↑' : change < 0 ? '↓' : '';
  const size = one.format(Math.abs(change));
  return metric === 'bounce_rate' ? `${arrow} ${size} pts` : `${arrow} ${size}%`;
}

export function formatMoney(amount, currency) {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(Number(amount));
  } catch {
    return `${two.format(Number(amount))} ${currency}`;
  }
}

export const formatNumber = (v) => whole.format(v);
export const formatShare = (v) => `${one.format(v * 100)}%`;
export const formatMs = (metric, v) => (metric === 'CLS' ? two.format(v) : v >= 1000 ? `${two.format(v / 1000)} s` : `${whole.format(v)} ms`);
