// Laptop to phone: "Use my phone's camera" shows a QR code and a short link that open this same chat on the
// phone (chat.createHandoff); the laptop keeps the chat and says "Continue on your phone" once the phone is
// in. On the phone the widget joins with the code (chat.continueHandoff) instead of asking for a name.

import { el } from '../../static/dom.js';

const SMALL_SCREEN = '(max-width: 600px)';

export class Handoff {
  #ui;
  #chat;
  #t;
  #banner;

  constructor(ui, chat, t, banner) {
    this.#ui = ui;
    this.#chat = chat;
    this.#t = t;
    this.#banner = banner;
    ui.handoffOpen.addEventListener('click', () => this.#open());
    chat.on('handoff', (event) => this.#opened(event));
    // The agent suggests the phone: the code and link come up at once, under the agent's words.
    chat.on('phoneSuggested', ({ text }) => { if (!this.#ui.handoffOpen.hidden) this.#open(text); });
    for (const name of ['state', 'chatEnded']) chat.on(name, () => this.refresh());
  }

  /** The SDK of this server can hand a chat over (older servers cannot: the button stays away). */
  get supported() { return typeof this.#chat.createHandoff === 'function'; }

  /** "Use my phone's camera" is offered during an open chat, on a screen that is not a phone's already. */
  refresh() {
    const active = this.#chat.state === 'queued' || this.#chat.state === 'connected';
    const phone = globalThis.matchMedia?.(SMALL_SCREEN).matches ?? false;
    this.#ui.handoffOpen.hidden = !(this.supported && active && !phone);
    if (!active) this.#ui.handoff.hidden = true;
  }

  /** On the phone: join the chat the code stands for. Rejects with the refusal (used, expired, unknown). */
  continueHere(code) {
    if (typeof this.#chat.continueHandoff !== 'function') {
      return Promise.reject(Object.assign(new Error(this.#t.error('handoff_not_found')), { code: 'handoff_not_found' }));
    }
    return this.#chat.continueHandoff(code);
  }

  async #open(lead = null) {
    const ui = this.#ui;
    const t = this.#t;
    const said = lead ? el('p', { class: 'sdw-handoff__text sdw-handoff__done', text: lead }) : null;
    ui.handoffOpen.disabled = true;
    this.#show(said, el('p', { class: 'sdw-handoff__text', text: t('handoffMaking') }));
    try {
      const { url, qrSvg } = await this.#chat.createHandoff();
      const qr = el('img', { class: 'sdw-handoff__qr', testid: 'handoff-qr', alt: t('handoffQr'),
        src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg)}` });
      const link = el('a', { class: 'sdw-handoff__link', testid: 'handoff-link', href: url, target: '_blank',
        rel: 'noopener', text: url });
      this.#show(said, el('p', { class: 'sdw-handoff__text', text: t('handoffScan') }), qr, link);
    } catch (error) {
      ui.handoff.hidden = true;
      this.#banner.show(error);
    } finally {
      ui.handoffOpen.disabled = false;
    }
  }

  #opened({ state }) {
    if (state !== 'opened') return;
    this.#show(el('p', { class: 'sdw-handoff__text sdw-handoff__done', testid: 'handoff-status', text: this.#t('handoffOpened') }));
  }

  #show(...children) {
    const ui = this.#ui;
    const close = el('button', { class: 'btn btn-ghost btn-sm sdw-handoff__close', type: 'button', text: this.#t('handoffClose'),
      onclick: () => { ui.handoff.hidden = true; ui.handoffOpen.focus(); } });
    ui.handoff.replaceChildren(el('h3', { text: this.#t('handoffTitle') }), ...children.filter(Boolean), close);
    ui.handoff.hidden = false;
  }
}
