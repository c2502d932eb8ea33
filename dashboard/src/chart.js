// The visitor graph: one uPlot line per period (the comparison dashed), x = bucket index so a
// previous period lines up bucket by bucket. Colours come from the CSS variables (light / dark).
import { h } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMetric } from './format.js';

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// Counts have whole-number ticks (no "2.5 visitors"); rates and durations keep uPlot's own steps.
const WHOLE = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8].map((p) => m * p)).sort((a, b) => a - b);
const COUNTS = new Set(['visitors', 'visits', 'pageviews', 'events']);

function label(value, interval) {
  if (!value) return '';
  if (interval === 'hour') return value.slice(11, 16);
  if (interval === 'month') return value.slice(0, 7);
  return value.slice(5, 10);
}

export function Chart({ labels, values, previous, metric, interval }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    if (!el || !labels.length) return undefined;
    const xs = labels.map((_, i) => i);
    const grid = { stroke: css('--grid'), width: 1 };
    const axis = { stroke: css('--muted'), grid, ticks: grid };
    const series = [{}, { label: metric, stroke: css('--accent'), width: 2, fill: css('--accent-fill'),
      value: (u, v) => formatMetric(metric, v) }];
    const data = [xs, values];
    if (previous) {
      series.push({ label: 'previous period', stroke: css('--muted'), width: 1.5, dash: [6, 4],
        value: (u, v) => formatMetric(metric, v) });
      data.push(xs.map((i) => (i < previous.length ? previous[i] : null)));
    }
    const plot = new uPlot({
      width: el.clientWidth, height: 220, series, legend: { show: false },
      cursor: { points: { size: 6 } },
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { ...axis, values: (u, splits) => splits.map((i) => label(labels[Math.round(i)], interval)),
          splits: (u, axisIdx, min, max) => {
            const step = Math.max(1, Math.ceil((max - min + 1) / Math.max(2, Math.floor(el.clientWidth / 70))));
            const out = [];
            for (let i = min; i <= max; i += step) out.push(i);
            return out;
          } },
        { ...axis, size: 50, values: (u, splits) => splits.map((v) => formatMetric(metric, v)),
          ...(COUNTS.has(metric) ? { incrs: WHOLE } : {}) },
      ],
    }, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [labels, values, previous, metric, interval]);
  // The same numbers as a table, for screen readers and for anyone reading the page's data-metric.
  const row = (l, i) => h('tr', { 'data-dimension': `time:${interval}`, 'data-value': l },
    h('th', { scope: 'row' }, l),
    h('td', { 'data-metric': metric, 'data-raw': values[i] }, formatMetric(metric, values[i])),
    previous && h('td', { 'data-metric': `${metric}_previous`, 'data-raw': previous[i] ?? '' },
      formatMetric(metric, previous[i])));
  return h('div', null,
    h('div', { ref: box, class: 'chart', 'data-chart': metric, 'aria-hidden': 'true' }),
    h('table', { class: 'sr' }, h('caption', null, `${metric} by ${interval}`),
      h('tbody', null, labels.map(row))));
}
