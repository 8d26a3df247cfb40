// A compact before/after diff of two snapshots: only the fields that changed (nested ones by their
// path, e.g. definition.blocks.video.mode), the old value struck through, the new one highlighted.

import { el } from '/static/dom.js';

const SKIP = new Set(['id', 'organizationId', 'updatedAt', 'createdAt']);
const MAX_TEXT = 90;
const MAX_LINES = 12;
const MAX_DEPTH = 5;

function short(value) {
  let text;
  if (value === null || value === undefined || value === '') text = '—';
  else if (Array.isArray(value)) text = value.length ? value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ') : 'none';
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** path -> value for every leaf (lists count as leaves). */
function flatten(value, prefix = '', depth = 0, out = new Map()) {
  for (const [key, item] of Object.entries(value ?? {})) {
    if (!prefix && SKIP.has(key)) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(item) && Object.keys(item).length && depth < MAX_DEPTH) flatten(item, path, depth + 1, out);
    else out.set(path, item);
  }
  return out;
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const blank = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);

export function changes(before, after) {
  const old = flatten(before);
  const now = flatten(after);
  const paths = [...new Set([...old.keys(), ...now.keys()])];
  const lines = [];
  for (const path of paths) {
    const a = old.get(path);
    const b = now.get(path);
    if (before && after && same(a, b)) continue;
    if (!before && blank(b)) continue;
    lines.push(el('li', {},
      el('span', { class: 'diff__key', text: `${path}: ` }),
      before ? el('del', { text: short(a) }) : null,
      before && after ? ' → ' : null,
      after ? el('ins', { text: short(b) }) : null));
  }
  if (!lines.length) return el('span', { class: 'muted', text: before && after ? 'no visible change' : '—' });
  const shown = lines.slice(0, MAX_LINES);
  if (lines.length > shown.length) shown.push(el('li', { class: 'muted', text: `and ${lines.length - shown.length} more` }));
  return el('ul', { class: 'diff' }, shown);
}
