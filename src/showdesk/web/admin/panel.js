// The side panel where one item is created or edited, and the in-page confirmation dialog
// (a page dialog rather than window.confirm, so it looks like the console and can be tested).

import { el } from '/static/dom.js';

export class SidePanel {
  #aside;
  #title;
  #body;
  #onClose = null;

  constructor(host) {
    this.#title = el('h2', { class: 'drawer__title', id: 'drawer-title' });
    this.#body = el('div', { class: 'drawer__body' });
    const close = el('button', {
      class: 'btn btn-ghost btn-sm', type: 'button', testid: 'panel-close', text: 'Close',
      onclick: () => this.close(),
    });
    this.#aside = el('aside', {
      class: 'drawer card', testid: 'side-panel', hidden: true, role: 'dialog', 'aria-labelledby': 'drawer-title',
    }, el('header', { class: 'drawer__head' }, this.#title, close), this.#body);
    this.#aside.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
    host.append(this.#aside);
  }

  get isOpen() { return !this.#aside.hidden; }

  open(title, ...content) {
    this.#title.textContent = title;
    this.#body.replaceChildren(...content.flat().filter(Boolean));
    this.#aside.hidden = false;
    document.body.classList.add('has-drawer');
    const first = this.#body.querySelector('input:not([type=hidden]):not([readonly]):not([disabled]), select, textarea:not([readonly])');
    first?.focus();
  }

  onClose(fn) { this.#onClose = fn; }

  close() {
    if (this.#aside.hidden) return;
    this.#aside.hidden = true;
    this.#body.replaceChildren();
    document.body.classList.remove('has-drawer');
    const fn = this.#onClose;
    this.#onClose = null;
    fn?.();
  }
}

let dialog = null;

/** Resolves true when the person confirms. */
export function confirmAction({ title, message, confirmLabel = 'Delete', danger = true }) {
  if (!dialog) {
    dialog = el('dialog', { class: 'confirm card', testid: 'confirm-dialog' });
    document.body.append(dialog);
  }
  return new Promise((resolve) => {
    const finish = (answer) => {
      dialog.close();
      resolve(answer);
    };
    const ok = el('button', {
      class: danger ? 'btn btn-danger' : 'btn btn-primary', type: 'button', testid: 'confirm-ok',
      text: confirmLabel, onclick: () => finish(true),
    });
    dialog.replaceChildren(
      el('h2', { class: 'confirm__title', text: title }),
      el('p', { class: 'confirm__message', text: message }),
      el('div', { class: 'confirm__actions' },
        el('button', {
          class: 'btn btn-secondary', type: 'button', testid: 'confirm-cancel', text: 'Cancel',
          onclick: () => finish(false),
        }),
        ok));
    dialog.oncancel = (event) => {
      event.preventDefault();
      finish(false);
    };
    dialog.showModal();
    ok.focus();
  });
}
