// The last hour in three small bar charts, one bar per five minutes, drawn as SVG elements (no library,
// no markup strings). Each figure also carries its totals in data-* attributes and in words.

import { svg, el } from '/static/dom.js';
import { cause, clock, millis, percent } from './format.js';

const W = 360;
const H = 150;
const PAD = { left: 44, right: 8, top: 12, bottom: 22 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

const CAUSE_COLOURS = {
  ice_failed: '#c0262d', no_relay: '#a15c07', relay_failed: '#7c3aed', connection_lost: '#0e7490',
  no_frames: '#be185d', camera_denied: '#4f46e5', camera_missing: '#57534e', camera_busy: '#65a30d',
  constraints_unsatisfiable: '#0369a1',
};
const OTHER_COLOURS = ['#9a3412', '#115e59', '#6b21a8', '#334155'];

function colourOf(reason) {
  if (CAUSE_COLOURS[reason]) return CAUSE_COLOURS[reason];
  let hash = 0;
  for (const ch of reason) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return OTHER_COLOURS[hash % OTHER_COLOURS.length];
}

/** The smallest of `steps` x 10^k at or above `value` (at least `floor`): a round top for the y axis. */
function niceCeiling(value, floor, steps = [1, 2, 5, 10]) {
  const target = Math.max(value, floor);
  const power = 10 ** Math.floor(Math.log10(target));
  return steps.map((m) => m * power).find((v) => v >= target);
}

function span(bucket) {
  return `${clock(bucket.from)}–${clock(bucket.to)}`;
}

/**
 * The frame every chart shares: axes, two y labels, the hour's start and end under the x axis.
 * `bar(bucket, i, x, width, y)` returns the bucket's SVG nodes; `y(value)` maps a value to the plot.
 */
function plot(figure, hour, { max, yLabel, label, bar }) {
  const buckets = hour.buckets;
  const step = PLOT_W / buckets.length;
  const y = (value) => PAD.top + PLOT_H - (Math.min(value, max) / max) * PLOT_H;
  const bottom = PAD.top + PLOT_H;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart__svg' },
    svg('line', { x1: PAD.left, x2: W - PAD.right, y1: PAD.top, y2: PAD.top, class: 'chart__grid' }),
    svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(max / 2), y2: y(max / 2), class: 'chart__grid' }),
    svg('text', { x: PAD.left - 6, y: PAD.top + 4, class: 'chart__label chart__label--y', text: yLabel(max) }),
    svg('text', { x: PAD.left - 6, y: y(max / 2) + 4, class: 'chart__label chart__label--y', text: yLabel(max / 2) }),
    svg('text', { x: PAD.left - 6, y: bottom + 4, class: 'chart__label chart__label--y', text: yLabel(0) }),
    buckets.map((bucket, i) => bar(bucket, i, PAD.left + i * step + 2, step - 4, y)),
    svg('line', { x1: PAD.left, x2: W - PAD.right, y1: bottom, y2: bottom, class: 'chart__axis' }),
    svg('text', { x: PAD.left, y: H - 6, class: 'chart__label', text: clock(hour.from) }),
    svg('text', { x: W - PAD.right, y: H - 6, class: 'chart__label chart__label--end', text: 'now' }));
  const old = figure.querySelector('svg');
  if (old) old.replaceWith(chart);
  else figure.prepend(chart);
}

function swatch(colour) {
  const node = el('span', { class: 'chart__swatch' });
  node.style.background = colour; // through the CSSOM: no inline style attribute for the CSP to weigh
  return node;
}

function legend(figure, items) {
  const list = el('ul', { class: 'chart__legend' }, items);
  const old = figure.querySelector('.chart__legend');
  if (old) old.replaceWith(list);
  else figure.append(list);
}

function summary(figure, text) {
  figure.querySelector('.chart__summary').textContent = text;
}

function rect(x, top, width, bottom, attrs, title) {
  return svg('rect', { x, y: top, width: Math.max(width, 1), height: Math.max(bottom - top, 0), ...attrs },
    svg('title', { text: title }));
}

export function drawClickToFirstFrame(figure, hour) {
  const totals = hour.totals;
  const highest = Math.max(0, ...hour.buckets.map((b) => b.clickToFirstFrameP90Ms ?? 0));
  const max = niceCeiling(highest, 1000);
  plot(figure, hour, {
    max,
    yLabel: millis,
    label: `Click to first frame per five minutes; median ${millis(totals.clickToFirstFrameMedianMs)} over the hour`,
    bar: (b, i, x, width, y) => {
      if (b.clickToFirstFrameMedianMs === null) return null;
      const words = `${span(b)}: median ${millis(b.clickToFirstFrameMedianMs)}, 90th percentile `
        + `${millis(b.clickToFirstFrameP90Ms)} (${b.wentLive} went live)`;
      return [
        rect(x, y(b.clickToFirstFrameMedianMs), width, y(0),
          { class: 'chart__bar', 'data-bucket': i, 'data-value': b.clickToFirstFrameMedianMs }, words),
        svg('line', { x1: x, x2: x + width, y1: y(b.clickToFirstFrameP90Ms), y2: y(b.clickToFirstFrameP90Ms),
          class: 'chart__p90', 'data-bucket': i, 'data-value': b.clickToFirstFrameP90Ms }),
      ];
    },
  });
  if (!figure.querySelector('.chart__legend')) {
    legend(figure, [
      el('li', {}, el('span', { class: 'chart__swatch chart__swatch--median' }), 'median'),
      el('li', {}, el('span', { class: 'chart__swatch chart__swatch--p90' }), '90th percentile'),
    ]);
  }
  Object.assign(figure.dataset, {
    medianMs: totals.clickToFirstFrameMedianMs ?? '', p90Ms: totals.clickToFirstFrameP90Ms ?? '', wentLive: totals.wentLive,
  });
  summary(figure, totals.wentLive
    ? `median ${millis(totals.clickToFirstFrameMedianMs)}, 90th percentile ${millis(totals.clickToFirstFrameP90Ms)}, `
      + `${totals.wentLive} went live`
    : 'no video went live in the last hour');
}

export function drawFailures(figure, hour) {
  const totals = hour.totals;
  // even tops, so the middle line is a whole number of sessions
  const max = niceCeiling(Math.max(0, ...hour.buckets.map((b) => b.failed)), 2, [2, 4, 6, 10]);
  plot(figure, hour, {
    max,
    yLabel: (v) => String(Math.round(v)),
    label: `Failed video sessions per five minutes, by cause; ${totals.failed} in the hour`,
    bar: (b, i, x, width, y) => {
      let below = 0;
      return Object.entries(b.failures).map(([reason, count]) => {
        const node = rect(x, y(below + count), width, y(below),
          { class: 'chart__failure', fill: colourOf(reason), 'data-bucket': i, 'data-cause': reason,
            'data-value': count },
          `${span(b)}: ${count} × ${cause(reason)} (${reason})`);
        below += count;
        return node;
      });
    },
  });
  legend(figure, Object.entries(totals.failures).map(([reason, count]) =>
    el('li', { dataset: { cause: reason, value: count } }, swatch(colourOf(reason)), `${cause(reason)}: ${count}`)));
  Object.assign(figure.dataset, { failed: totals.failed, sessions: totals.sessions });
  summary(figure, totals.sessions
    ? `${totals.failed} of ${totals.sessions} sessions failed`
    : 'no video sessions in the last hour');
}

export function drawRelayShare(figure, hour) {
  const totals = hour.totals;
  plot(figure, hour, {
    max: 1,
    yLabel: percent,
    label: `Share of video sessions through the relay per five minutes; ${percent(totals.relayShare)} over the hour`,
    bar: (b, i, x, width, y) => {
      if (b.relayShare === null) return null;
      return rect(x, y(b.relayShare), width, y(0),
        { class: 'chart__bar chart__bar--relay', 'data-bucket': i, 'data-value': b.relayShare },
        `${span(b)}: ${percent(b.relayShare)} through the relay (${b.relay} of ${b.withPath})`);
    },
  });
  Object.assign(figure.dataset, { share: totals.relayShare ?? '', relay: totals.relay, withPath: totals.withPath });
  summary(figure, totals.withPath
    ? `${percent(totals.relayShare)} through the relay (${totals.relay} of ${totals.withPath} connected sessions)`
    : 'no session connected in the last hour');
}
