// The queues table and the live video table. Rows are kept by id from one refresh to the next, so a row
// stays the same element while its numbers change; every cell is text, with the raw number in data-value.

import { el } from '/static/dom.js';
import { between, duration } from './format.js';

const QUEUE_CELLS = [
  ['queue-name', (q) => q.name, (q) => q.name],
  ['queue-waiting', (q) => String(q.waiting), (q) => q.waiting, 'num'],
  ['queue-longest-wait', (q) => duration(q.longestWaitSeconds), (q) => q.longestWaitSeconds, 'num'],
  ['queue-on-queue', (q) => String(q.agentsOnQueue), (q) => q.agentsOnQueue, 'num'],
  ['queue-available', (q) => String(q.agentsAvailable), (q) => q.agentsAvailable, 'num'],
];

const STATE_WORDS = { requested: 'Asked', connecting: 'Connecting', live: 'Live', held: 'On hold' };

// Quality cells read the latest sample (`quality`, null until the agent's desktop reports one).
const VIDEO_CELLS = [
  ['video-customer', (v) => v.customerName || '—', (v) => v.customerName],
  ['video-agent', (v) => v.agentName || '—', (v) => v.agentName],
  ['video-state', (v) => STATE_WORDS[v.state] ?? v.state, (v) => v.state],
  ['video-since', (v, at) => duration(between(v.since, at)), (v) => v.since, 'num'],
  ['video-resolution', (v) => sample(v, (q) => `${q.width}×${q.height}`), (v) => sample(v, (q) => `${q.width}x${q.height}`, ''), 'num'],
  ['video-fps', (v) => sample(v, (q) => `${round(q.fps)} fps`), (v) => v.quality?.fps, 'num'],
  ['video-kbps', (v) => sample(v, (q) => `${Math.round(q.kbps)} kbit/s`), (v) => v.quality?.kbps, 'num'],
  ['video-loss', (v) => sample(v, (q) => `${round(q.lossPercent)} %`), (v) => v.quality?.lossPercent, 'num'],
  ['video-rtt', (v) => sample(v, (q) => (q.rttMs === null ? '—' : `${Math.round(q.rttMs)} ms`)), (v) => v.quality?.rttMs, 'num'],
  ['video-path', (v) => v.path ?? '—', (v) => v.path],
];

function sample(video, read, none = '—') {
  return video.quality ? read(video.quality) : none;
}

function round(value) {
  return Math.round(value * 10) / 10;
}

export class KeyedTable {
  #body;
  #rows = new Map();
  #rowTestid;
  #key;
  #cells;
  #empty;

  /** `key`: the data-* attribute that names a row ('queueId' gives data-queue-id). */
  constructor(table, { rowTestid, key, cells, empty }) {
    this.#body = table.querySelector('tbody');
    this.#rowTestid = rowTestid;
    this.#key = key;
    this.#cells = cells;
    this.#empty = el('tr', { testid: `${rowTestid.replace(/-row$/, '')}-empty` },
      el('td', { class: 'table__empty', colspan: cells.length, text: empty }));
  }

  /** `items`: [{id, ...}]; `args`: passed to every cell reader after the item. */
  show(items, ...args) {
    const keep = new Set();
    const ordered = [];
    for (const item of items) {
      keep.add(item.id);
      let row = this.#rows.get(item.id);
      if (!row) {
        row = el('tr', { testid: this.#rowTestid, dataset: { [this.#key]: item.id } },
          this.#cells.map(([testid, , , cls]) => el('td', { testid, class: cls })));
        this.#rows.set(item.id, row);
      }
      this.#cells.forEach(([, text, value], i) => {
        const cell = row.children[i];
        const shown = text(item, ...args);
        if (cell.textContent !== shown) cell.textContent = shown;
        const raw = value(item, ...args);
        cell.dataset.value = raw === null || raw === undefined ? '' : String(raw);
      });
      ordered.push(row);
    }
    for (const [id, row] of this.#rows) {
      if (!keep.has(id)) this.#rows.delete(id);
    }
    this.#body.replaceChildren(...(ordered.length ? ordered : [this.#empty]));
  }
}

export function queueTable(table) {
  return new KeyedTable(table, {
    rowTestid: 'supervisor-queue-row', key: 'queueId', cells: QUEUE_CELLS, empty: 'This organization has no queues.',
  });
}

export function videoTable(table) {
  return new KeyedTable(table, {
    rowTestid: 'supervisor-video-row', key: 'sessionId', cells: VIDEO_CELLS, empty: 'No video sessions right now.',
  });
}
