// Draws a flow as inline SVG: a box per block (name, type, its settings), an arrow per exit labelled
// with the exit's name, laid out in layers from the start block down. Blocks with problems are
// outlined red (error) or amber (warning); exits to blocks that do not exist end in a dashed box.

import { svg } from '/static/dom.js';

const EXITS = { startVideo: ['success', 'failure'], message: ['next'], queue: [], disconnect: [] };
const ANY_EXIT = ['success', 'failure', 'next'];
const TYPE_WORDS = { startVideo: 'Start Video', queue: 'Queue', message: 'Message', disconnect: 'Disconnect' };
const BOX = { w: 210, h: 66, gapX: 44, gapY: 74, margin: 24, top: 56 };

function clip(text, max = 30) {
  const s = String(text ?? '');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function exitsOf(block) {
  if (!block || typeof block !== 'object') return [];
  const names = EXITS[block.type] ?? ANY_EXIT;
  return names.filter((exit) => typeof block[exit] === 'string').map((exit) => [exit, block[exit]]);
}

function detailOf(block) {
  if (!block || typeof block !== 'object') return 'not a block';
  switch (block.type) {
    case 'startVideo':
      return `${block.mode ?? 'mode?'} · audio: ${block.audioSource ?? 'none'}`;
    case 'queue':
      return `→ ${block.queue ?? 'no queue named'}`;
    case 'message':
      return `“${block.text ?? ''}”`;
    case 'disconnect':
      return 'ends the chat';
    default:
      return 'unknown type';
  }
}

/** Layers by longest path from the start (cycles cut off); unreachable blocks in a last layer. */
function layout(blocks, start) {
  const names = Object.keys(blocks);
  const layer = new Map();
  const order = [];
  if (start in blocks) {
    layer.set(start, 0);
    const queue = [start];
    while (queue.length) {
      const name = queue.shift();
      if (order.includes(name)) continue;
      order.push(name);
      for (const [, target] of exitsOf(blocks[name])) {
        if (target in blocks && !order.includes(target)) {
          layer.set(target, Math.max(layer.get(target) ?? 0, layer.get(name) + 1));
          queue.push(target);
        }
      }
    }
    // Push blocks below every block leading to them (DAG part), a few passes is plenty for flows.
    for (let pass = 0; pass < names.length; pass += 1) {
      let moved = false;
      for (const from of order) {
        for (const [, to] of exitsOf(blocks[from])) {
          if (!layer.has(to) || to === from) continue;
          const wanted = layer.get(from) + 1;
          if (wanted > layer.get(to) && wanted < names.length && order.indexOf(to) > order.indexOf(from)) {
            layer.set(to, wanted);
            moved = true;
          }
        }
      }
      if (!moved) break;
    }
  }
  const unreachable = names.filter((n) => !layer.has(n));
  const last = layer.size ? Math.max(...layer.values()) + 1 : 0;
  for (const name of unreachable) layer.set(name, last);
  const rows = [];
  for (const name of [...order, ...unreachable]) {
    const row = layer.get(name);
    (rows[row] ??= []).push(name);
  }
  return { rows: rows.filter(Boolean), unreachable: new Set(unreachable) };
}

export function worstByBlock(problems) {
  const worst = new Map();
  for (const p of problems ?? []) {
    if (worst.get(p.block) === 'error') continue;
    worst.set(p.block, p.severity === 'error' ? 'error' : 'warning');
  }
  return worst;
}

/** An <svg> element for the definition, or null when there is nothing to draw. */
export function drawFlow(definition, problems = []) {
  const blocks = definition && typeof definition.blocks === 'object' && !Array.isArray(definition.blocks)
    ? definition.blocks : null;
  if (!blocks || !Object.keys(blocks).length) return null;
  const worst = worstByBlock(problems);
  const { rows, unreachable } = layout(blocks, definition.start);

  // Exits to blocks that do not exist get a dashed box of their own, one row below their source.
  const missing = new Map();
  const position = new Map();
  const placeRows = rows.map((row) => [...row]);
  rows.forEach((row, r) => {
    for (const name of row) {
      for (const [, target] of exitsOf(blocks[name])) {
        if (!(target in blocks) && !missing.has(target)) {
          missing.set(target, r + 1);
          (placeRows[r + 1] ??= []).push(`\u0000${target}`);
        }
      }
    }
  });

  const widest = Math.max(...placeRows.map((row) => row?.length ?? 0), 1);
  const width = BOX.margin * 2 + widest * BOX.w + (widest - 1) * BOX.gapX + 60;
  const height = BOX.top + placeRows.length * BOX.h + (placeRows.length - 1) * BOX.gapY + BOX.margin;
  placeRows.forEach((row, r) => {
    const rowWidth = row.length * BOX.w + (row.length - 1) * BOX.gapX;
    const x0 = (width - 60 - rowWidth) / 2;
    row.forEach((key, i) => position.set(key, { x: x0 + i * (BOX.w + BOX.gapX), y: BOX.top + r * (BOX.h + BOX.gapY), row: r }));
  });

  const root = svg('svg', {
    class: 'flow-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Flow graph: ${Object.keys(blocks).length} blocks`,
  });
  root.append(svg('defs', {}, svg('marker', {
    id: 'flow-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse',
  }, svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'flow-arrowhead' }))));

  const edges = svg('g', { class: 'flow-edges' });
  const nodes = svg('g', { class: 'flow-nodes' });
  root.append(edges, nodes);

  const start = position.get(definition.start);
  if (start) {
    const cx = start.x + BOX.w / 2;
    nodes.append(svg('g', { class: 'flow-start' },
      svg('rect', { x: cx - 26, y: 10, width: 52, height: 20, rx: 10 }),
      svg('text', { x: cx, y: 24, 'text-anchor': 'middle', text: 'Start' })));
    edges.append(svg('path', { class: 'flow-edge__line', d: `M${cx},30 L${cx},${start.y - 1}`, 'marker-end': 'url(#flow-arrow)' }));
  }

  for (const [name, block] of Object.entries(blocks)) {
    const at = position.get(name);
    const severity = worst.get(name) ?? '';
    const kind = block && typeof block === 'object' ? block.type : undefined;
    const g = svg('g', {
      class: ['flow-node', `flow-node--${kind ?? 'unknown'}`, severity && `flow-node--${severity}`,
        unreachable.has(name) && 'flow-node--unreachable'].filter(Boolean).join(' '),
      testid: 'flow-node', dataset: { block: name, type: kind ?? '', severity },
      transform: `translate(${at.x},${at.y})`,
    });
    const problemsHere = (problems ?? []).filter((p) => p.block === name).map((p) => `${p.severity}: ${p.message}`);
    g.append(
      svg('title', { text: [`${name} (${TYPE_WORDS[kind] ?? kind ?? '?'})`, detailOf(block), ...problemsHere].join('\n') }),
      svg('rect', { class: 'flow-node__box', width: BOX.w, height: BOX.h, rx: 9 }),
      svg('rect', { class: 'flow-node__band', width: 6, height: BOX.h, rx: 3 }),
      svg('text', { class: 'flow-node__name', x: 16, y: 22, text: clip(name, 26) }),
      svg('text', { class: 'flow-node__type', x: 16, y: 40, text: TYPE_WORDS[kind] ?? `type: ${kind ?? '?'}` }),
      svg('text', { class: 'flow-node__detail', x: 16, y: 56, text: clip(detailOf(block), 31) }));
    if (severity) {
      g.append(svg('text', { class: 'flow-node__flag', x: BOX.w - 10, y: 20, 'text-anchor': 'end', text: severity === 'error' ? '✖' : '⚠' }));
    }
    nodes.append(g);
  }
  for (const [target] of missing) {
    const at = position.get(`\u0000${target}`);
    nodes.append(svg('g', { class: 'flow-node flow-node--missing', testid: 'flow-node-missing', dataset: { block: target }, transform: `translate(${at.x},${at.y})` },
      svg('rect', { class: 'flow-node__box', width: BOX.w, height: BOX.h, rx: 9 }),
      svg('text', { class: 'flow-node__name', x: 16, y: 28, text: clip(target, 26) }),
      svg('text', { class: 'flow-node__detail', x: 16, y: 48, text: 'no block by this name' })));
  }

  // Exits: one arrow per source and target, labelled with every exit that takes it.
  for (const [name, block] of Object.entries(blocks)) {
    const grouped = new Map();
    for (const [exit, target] of exitsOf(block)) {
      grouped.set(target, [...(grouped.get(target) ?? []), exit]);
    }
    const from = position.get(name);
    const outs = [...grouped];
    outs.forEach(([target, exitNames], i) => {
      const to = position.get(target in blocks ? target : `\u0000${target}`);
      const label = exitNames.join(' / ');
      const sx = from.x + (BOX.w * (i + 1)) / (outs.length + 1);
      let d;
      let lx;
      let ly;
      if (to.row > from.row) {
        const sy = from.y + BOX.h;
        const tx = to.x + BOX.w / 2;
        const ty = to.y - 1;
        const my = (sy + ty) / 2;
        d = `M${sx},${sy} C${sx},${my} ${tx},${my} ${tx},${ty}`;
        lx = (sx + tx) / 2;
        ly = my;
      } else {
        // Back to an earlier (or the same) row: around the right-hand side.
        const sy = from.y + BOX.h / 2;
        const ty = to.y + BOX.h / 2;
        const side = Math.max(from.x, to.x) + BOX.w + 40 + i * 12;
        d = `M${from.x + BOX.w},${sy} C${side},${sy} ${side},${ty} ${to.x + BOX.w + 1},${ty}`;
        lx = side - 8;
        ly = (sy + ty) / 2;
      }
      const labelWidth = label.length * 6.6 + 12;
      edges.append(svg('g', {
        class: `flow-edge${to.row > from.row ? '' : ' flow-edge--back'}${target in blocks ? '' : ' flow-edge--broken'}`,
        testid: 'flow-edge', dataset: { from: name, to: target, label },
      },
      svg('path', { class: 'flow-edge__line', d, 'marker-end': 'url(#flow-arrow)' }),
      svg('rect', { class: 'flow-edge__label-bg', x: lx - labelWidth / 2, y: ly - 10, width: labelWidth, height: 18, rx: 9 }),
      svg('text', { class: 'flow-edge__label', x: lx, y: ly + 3, 'text-anchor': 'middle', text: label })));
    });
  }
  return root;
}
