// One console section built around a list: a table, a "New …" button, a side panel to create or
// edit an item, delete with confirmation, errors in words under the form. Screens describe their
// resource (columns, form, calls); this module does the rest the same way everywhere.
//
// Test ids, with `noun` the screen's (e.g. "queue"): `${noun}-new`, `${noun}-table`, `${noun}-row`
// (data-id, data-name), `${noun}-edit`, `${noun}-delete`, `${noun}-form`, `${noun}-save`,
// `${noun}-cancel`, `${noun}-empty`; shared: `form-error`, `readonly-note`, `status-message`.

import { describeError } from '/static/error-text.js';
import { el, setChildren } from '/static/dom.js';
import { confirmAction } from './panel.js';

export function readOnlyNote(permission, what = 'change this') {
  return el('p', { class: 'readonly-note', testid: 'readonly-note' },
    el('strong', { text: 'Read-only. ' }),
    `You can look but not ${what}. Needs permission `, el('code', { text: permission }), '.');
}

export function errorBox(testid = 'form-error') {
  const box = el('div', { class: 'form-error', testid, role: 'alert', hidden: true });
  return {
    element: box,
    show(error) {
      const { title, detail } = describeError(error);
      const problems = (error?.problems ?? []).map((p) => el('li', { text: `${p.severity}: ${p.block}: ${p.message}` }));
      setChildren(box, el('strong', { text: title }), detail ? el('span', { text: detail }) : null,
        problems.length ? el('ul', {}, problems) : null);
      box.hidden = false;
    },
    hide() { box.hidden = true; },
  };
}

export class ResourceSection {
  #ctx;
  #spec;
  #root = null;
  #tbody = null;
  #count = null;
  #empty = null;
  #loadError = null;
  #data = { items: [] };
  #highlight = null;
  #newButton = null;

  /**
   * spec: {noun, title, lead, newLabel, edit (permission), empty, load(api) -> {items, ...},
   *        columns: [[label, (item, data) -> text|Node|Node[]]], form(item, data, {readOnly}) ->
   *        {fields, read(), extras?}, create(api, body), update(api, item, body),
   *        remove?: {label, confirm(item) -> {title, message}, run(api, item)},
   *        rowActions?(item, section) -> Node[], afterSave?(saved, {isNew, section}) -> bool (handled)}
   */
  constructor(ctx, spec) {
    this.#ctx = ctx;
    this.#spec = spec;
  }

  get ctx() { return this.#ctx; }
  get data() { return this.#data; }
  get canEdit() { return this.#ctx.can(this.#spec.edit); }

  mount(root) {
    const { noun, title, lead, newLabel, columns } = this.#spec;
    this.#root = root;
    this.#count = el('span', { class: 'pill pill-count', text: '…' });
    this.#tbody = el('tbody');
    this.#empty = el('div', { class: 'empty-state', testid: `${noun}-empty`, hidden: true });
    this.#loadError = el('div', { class: 'form-error', testid: 'load-error', role: 'alert', hidden: true });
    const newButton = this.canEdit
      ? el('button', { class: 'btn btn-primary', type: 'button', testid: `${noun}-new`, text: newLabel,
        disabled: true, onclick: () => this.openEditor(null) }) // enabled once the form's choices are loaded
      : null;
    this.#newButton = newButton;
    setChildren(root,
      el('header', { class: 'section-head' },
        el('div', {}, el('h1', {}, title, ' ', this.#count), lead ? el('p', { class: 'page__lead', text: lead }) : null),
        newButton),
      this.canEdit ? null : readOnlyNote(this.#spec.edit),
      this.#loadError,
      el('div', { class: 'card table-wrap' },
        el('table', { class: 'table', testid: `${noun}-table` },
          el('thead', {}, el('tr', {}, columns.map(([label]) => el('th', { scope: 'col', text: label })),
            el('th', { scope: 'col', class: 'col-actions' }, el('span', { class: 'visually-hidden', text: 'Actions' })))),
          this.#tbody)),
      this.#empty);
    return this.reload();
  }

  async reload() {
    this.#loadError.hidden = true;
    try {
      const data = await this.#spec.load(this.#ctx.api);
      this.#data = data;
      this.#render();
      if (this.#newButton) this.#newButton.disabled = false;
    } catch (error) {
      if (error.status === 401) return;
      this.#count.textContent = '–';
      this.#loadError.replaceChildren(
        el('strong', { text: `Could not load ${this.#spec.title.toLowerCase()}: ${describeError(error).title}` }),
        el('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Try again', onclick: () => this.reload() }));
      this.#loadError.hidden = false;
    }
  }

  #render() {
    const { noun, columns, empty } = this.#spec;
    const items = this.#data.items ?? [];
    this.#count.textContent = String(items.length);
    this.#empty.replaceChildren(el('p', { text: empty }));
    this.#empty.hidden = items.length > 0;
    this.#tbody.replaceChildren(...items.map((item) => {
      const tr = el('tr', {
        testid: `${noun}-row`, dataset: { id: item.id ?? '', name: item.name ?? '' },
        class: item.id && item.id === this.#highlight ? 'row--fresh' : null,
      }, columns.map(([, read]) => el('td', {}, read(item, this.#data))));
      tr.append(el('td', { class: 'col-actions' }, this.#actions(item)));
      return tr;
    }));
    this.#highlight = null;
  }

  #actions(item) {
    const { noun, remove, rowActions } = this.#spec;
    const buttons = this.#spec.update ? [el('button', {
      class: 'btn btn-secondary btn-sm', type: 'button', testid: `${noun}-edit`,
      text: this.canEdit && !this.#spec.isLocked?.(item) ? 'Edit' : 'View',
      'aria-label': `${this.canEdit ? 'Edit' : 'View'} ${item.name ?? ''}`.trim(),
      onclick: () => this.openEditor(item),
    })] : [];
    if (this.canEdit) buttons.push(...(rowActions?.(item, this) ?? []));
    if (this.canEdit && remove && !this.#spec.isLocked?.(item)) {
      buttons.push(el('button', {
        class: 'btn btn-danger-ghost btn-sm', type: 'button', testid: `${noun}-delete`, text: remove.label ?? 'Delete',
        'aria-label': `${remove.label ?? 'Delete'} ${item.name ?? ''}`.trim(),
        onclick: () => this.remove(item),
      }));
    }
    return el('div', { class: 'row-actions' }, buttons);
  }

  async remove(item) {
    const { remove } = this.#spec;
    const words = remove.confirm(item);
    if (!await confirmAction({ ...words, confirmLabel: remove.label ?? 'Delete' })) return;
    try {
      await remove.run(this.#ctx.api, item);
      this.#ctx.status(`${words.done ?? 'Deleted'}: ${item.name ?? item.id}`);
      if (this.#ctx.panel.isOpen) this.#ctx.panel.close();
      await this.reload();
    } catch (error) {
      this.#ctx.banner.show(error);
    }
  }

  /** Open the side panel on an item (null: a new one); `notice` goes above the form (e.g. a secret). */
  openEditor(item, notice = null) {
    const { noun, title, form, newLabel } = this.#spec;
    const readOnly = !this.canEdit || Boolean(item && this.#spec.isLocked?.(item));
    const built = form(item, this.#data, { readOnly, section: this });
    const error = errorBox();
    const save = el('button', { class: 'btn btn-primary', type: 'submit', testid: `${noun}-save`, text: item ? 'Save changes' : 'Create' });
    const cancel = el('button', {
      class: 'btn btn-secondary', type: 'button', testid: `${noun}-cancel`, text: readOnly ? 'Close' : 'Cancel',
      onclick: () => this.#ctx.panel.close(),
    });
    const fieldset = el('fieldset', { class: 'form-fields', disabled: readOnly }, built.fields);
    const formEl = el('form', { class: 'admin-form', testid: `${noun}-form`, novalidate: true },
      fieldset, error.element,
      el('div', { class: 'form-actions' }, readOnly ? null : save, cancel));
    formEl.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (readOnly) return;
      const problem = built.check?.();
      if (problem) {
        error.show(problem);
        return;
      }
      error.hide();
      save.disabled = true;
      save.setAttribute('aria-busy', 'true');
      try {
        const body = built.read();
        const saved = item
          ? await this.#spec.update(this.#ctx.api, item, body)
          : await this.#spec.create(this.#ctx.api, body);
        this.#highlight = saved?.id ?? item?.id ?? null;
        this.#ctx.status(`${item ? 'Saved' : 'Created'}: ${saved?.name ?? body.name ?? ''}`.trim());
        await this.reload();
        const handled = this.#spec.afterSave?.(saved, { isNew: !item, section: this });
        if (!handled) this.#ctx.panel.close();
      } catch (failure) {
        if (failure.status !== 401) error.show(failure);
      } finally {
        save.disabled = false;
        save.removeAttribute('aria-busy');
      }
    });
    const heading = item ? `${readOnly ? '' : 'Edit '}${item.name ?? title}` : newLabel;
    this.#ctx.panel.open(heading, notice, built.extras ?? null, readOnly && item && this.canEdit
      ? el('p', { class: 'readonly-note', text: this.#spec.lockedNote ?? 'This item cannot be changed.' })
      : null, formEl);
  }

  /** The freshly loaded item with this id (after a save). */
  find(id) {
    return (this.#data.items ?? []).find((item) => item.id === id) ?? null;
  }
}
