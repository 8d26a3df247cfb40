// Form fields with a label, the control and helper text under it. Each returns {row, ...} where row
// is the element to place in the form and the rest reads the value back.

import { el, uniqueId } from '/static/dom.js';

function row(label, control, help, id) {
  return el('div', { class: 'field' },
    el('label', { htmlFor: id, text: label }),
    control,
    help ? el('p', { class: 'field-help', id: `${id}-help`, text: help }) : null);
}

function describedBy(control, help, id) {
  if (help) control.setAttribute('aria-describedby', `${id}-help`);
  return control;
}

export function textField({ label, testid, value = '', help, type = 'text', placeholder, required, readOnly,
  autocomplete, min, max }) {
  const id = uniqueId(testid);
  const input = describedBy(el('input', {
    class: 'input', id, testid, type, value: value ?? '', placeholder, required, readOnly,
    autocomplete: autocomplete ?? 'off', min, max,
  }), help, id);
  return { row: row(label, input, help, id), input, value: () => input.value.trim() };
}

export function numberField(options) {
  const field = textField({ ...options, type: 'number', value: String(options.value ?? '') });
  field.value = () => Number(field.input.value);
  return field;
}

export function textAreaField({ label, testid, value = '', help, rows = 4, placeholder, readOnly, mono }) {
  const id = uniqueId(testid);
  const area = describedBy(el('textarea', {
    class: mono ? 'textarea textarea--mono' : 'textarea', id, testid, rows, placeholder, readOnly,
    spellcheck: false,
  }), help, id);
  area.value = value ?? '';
  return { row: row(label, area, help, id), input: area, value: () => area.value };
}

/** Lines of a textarea, trimmed, without blanks. */
export function linesField(options) {
  const field = textAreaField({ ...options, value: (options.value ?? []).join('\n') });
  field.value = () => field.input.value.split('\n').map((line) => line.trim()).filter(Boolean);
  return field;
}

export function selectField({ label, testid, options, value, help, disabled }) {
  const id = uniqueId(testid);
  const select = describedBy(el('select', { class: 'input', id, testid, disabled },
    options.map((o) => el('option', { value: o.value, text: o.label, disabled: o.disabled }))), help, id);
  select.value = value ?? options[0]?.value ?? '';
  return { row: row(label, select, help, id), input: select, value: () => select.value };
}

export function checkField({ label, testid, checked, help, disabled }) {
  const id = uniqueId(testid);
  const box = el('input', { type: 'checkbox', id, testid, checked: Boolean(checked), disabled });
  const wrap = el('div', { class: 'field field--check' },
    el('label', { class: 'check' }, box, el('span', { text: label })),
    help ? el('p', { class: 'field-help', text: help }) : null);
  return { row: wrap, input: box, value: () => box.checked };
}

/**
 * Pick several from a list: one checkbox per option, labelled with its name (and a hint), so a
 * person (or a test) picks by label. A filter box appears once the list is long.
 */
export function checkList({ label, testid, options, selected = [], help, empty, disabled }) {
  const chosen = new Set(selected);
  const boxes = [];
  const items = options.map((option) => {
    const box = el('input', {
      type: 'checkbox', value: option.value, checked: chosen.has(option.value), disabled,
      dataset: { value: option.value },
    });
    boxes.push(box);
    return el('li', { dataset: { search: `${option.label} ${option.hint ?? ''}`.toLowerCase() } },
      el('label', { class: 'check' }, box,
        el('span', { class: 'check__label', text: option.label }),
        option.hint ? el('span', { class: 'check__hint', text: option.hint }) : null));
  });
  const list = el('ul', { class: 'checklist', testid, role: 'group', 'aria-label': label }, items);
  let filter = null;
  if (options.length > 8) {
    filter = el('input', {
      class: 'input input--sm', type: 'search', placeholder: `Filter ${label.toLowerCase()}…`,
      'aria-label': `Filter ${label.toLowerCase()}`, testid: `${testid}-filter`,
      oninput: () => {
        const wanted = filter.value.trim().toLowerCase();
        for (const li of items) li.hidden = Boolean(wanted) && !li.dataset.search.includes(wanted);
      },
    });
  }
  const wrap = el('div', { class: 'field' },
    el('span', { class: 'label', text: label }),
    filter,
    options.length ? list : el('p', { class: 'checklist-empty', testid, text: empty ?? 'Nothing to choose from yet.' }),
    help ? el('p', { class: 'field-help', text: help }) : null);
  // Values chosen earlier that are not options any more (a deleted skill, say) are kept as they were.
  const known = new Set(options.map((o) => o.value));
  const kept = selected.filter((v) => !known.has(v));
  return { row: wrap, value: () => [...kept, ...boxes.filter((b) => b.checked).map((b) => b.value)] };
}
