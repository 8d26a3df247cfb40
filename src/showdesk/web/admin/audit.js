// Audit log: who changed what and when, newest first, with the change as a compact diff.

import { describeError } from '/static/error-text.js';
import { listOf } from './api.js';
import { el, when } from '/static/dom.js';
import { changes } from './diff.js';

const PAGE = 50;
const TARGETS = [
  ['', 'Everything'], ['queue', 'Queues'], ['skill', 'Skills'], ['user', 'Users'], ['role', 'Roles'],
  ['deployment', 'Web-chat deployments'], ['flow', 'Flows'], ['api_client', 'API clients'],
  ['turn_server', 'Video trunks'], ['license', 'Licence'], ['canned_response', 'Canned responses'],
];
const VERBS = {
  create: 'created', update: 'changed', delete: 'deleted', save: 'saved', publish: 'published', rotate_secret: 'new secret',
  sign_in_throttled: 'sign-ins throttled', sign_out_everywhere: 'signed out everywhere',
};

export function mountAudit(root, ctx) {
  const filter = el('select', { class: 'input input--inline', testid: 'audit-filter', id: 'audit-filter' },
    TARGETS.map(([value, label]) => el('option', { value, text: label })));
  const tbody = el('tbody');
  const more = el('button', { class: 'btn btn-secondary', type: 'button', testid: 'audit-more', text: 'Load older entries', hidden: true });
  const empty = el('div', { class: 'empty-state', testid: 'audit-empty', hidden: true },
    el('p', { text: 'Nothing logged yet. Changes made here, in the API or with the command line appear in this list.' }));
  const failure = el('div', { class: 'form-error', testid: 'load-error', role: 'alert', hidden: true });
  let next = null;

  root.replaceChildren(
    el('header', { class: 'section-head' },
      el('div', {}, el('h1', { text: 'Audit log' }),
        el('p', { class: 'page__lead', text: 'Every configuration change: who made it, when, and what it changed.' })),
      el('div', { class: 'inline-field' }, el('label', { htmlFor: 'audit-filter', text: 'Show' }), filter)),
    failure,
    el('div', { class: 'card table-wrap' },
      el('table', { class: 'table audit-table', testid: 'audit-table' },
        el('thead', {}, el('tr', {}, ['When', 'Who', 'What', 'Change'].map((label) => el('th', { scope: 'col', text: label })))),
        tbody)),
    empty,
    el('div', { class: 'more-row' }, more));

  async function load(append) {
    failure.hidden = true;
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (filter.value) query.set('targetType', filter.value);
    if (append && next) query.set('before', next);
    more.disabled = true;
    try {
      const page = await ctx.api.get(`/api/v2/audit?${query}`);
      const items = listOf(page);
      next = page?.next ?? null;
      const rows = items.map(row);
      if (append) tbody.append(...rows);
      else tbody.replaceChildren(...rows);
      empty.hidden = tbody.childElementCount > 0;
      more.hidden = !next;
    } catch (error) {
      if (error.status === 401) return;
      failure.replaceChildren(el('strong', { text: `Could not load the audit log: ${describeError(error).title}` }));
      failure.hidden = false;
    } finally {
      more.disabled = false;
    }
  }

  filter.addEventListener('change', () => load(false));
  more.addEventListener('click', () => load(true));
  return load(false);
}

function row(entry) {
  const [type, verb] = String(entry.action ?? '').split('.');
  const target = entry.targetName || entry.targetId || '';
  return el('tr', { testid: 'audit-row', dataset: { action: entry.action ?? '', target: target } },
    el('td', { class: 'nowrap', text: when(entry.at) }),
    el('td', { text: entry.actorName || entry.actorId || '—' }),
    el('td', {},
      el('div', {}, el('strong', { text: `${(type ?? '').replace(/_/g, ' ')} ${VERBS[verb] ?? verb ?? ''}`.trim() }),
        target ? ` ${target}` : ''),
      el('code', { class: 'muted small', text: entry.action ?? '' })),
    el('td', {}, changes(entry.before, entry.after)));
}
