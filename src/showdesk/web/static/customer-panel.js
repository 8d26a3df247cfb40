// The customer panel: who the site says the customer is (Verified only when the site signed it), what it
// passed, the page and device the chat started on, and the customer's earlier chats
// (GET /api/v2/conversations/{id}/customer). Beside the agent's chat, and in the supervisor's Interactions
// view of a conversation. Everything the site or customer sent goes in as text.

import { el, setChildren, when } from '/static/dom.js';

const DEVICE_KIND = { phone: 'Phone', tablet: 'Tablet', computer: 'Computer' };
const STATE_WORDS = {
  queued: 'Waiting', offered: 'Waiting', connected: 'Connected', ended: 'Ended', abandoned: 'Abandoned',
};

/** An address as a link only when it is http or https; anything else stays text. */
export function pageLink(url) {
  let parsed = null;
  try {
    parsed = new URL(url);
  } catch { /* not an absolute address */ }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) {
    return el('a', { href: parsed.href, target: '_blank', rel: 'noopener noreferrer', text: url });
  }
  return el('span', { text: url });
}

export class CustomerPanel {
  #element;
  #body;
  #load;

  /** `element`: the panel's `[data-testid="customer-panel"]`; `load()`: the panel's data from the server. */
  constructor(element, load) {
    this.#element = element;
    this.#body = element.querySelector('.customer-panel__body');
    this.#load = load;
  }

  async refresh() {
    if (!this.#load) return;
    try {
      this.show(await this.#load());
    } catch {
      setChildren(this.#body, el('p', { class: 'customer-panel__note', text: 'Customer details could not be loaded.' }));
    }
  }

  show(data) {
    const facts = el('dl', { class: 'customer-panel__facts' });
    const fact = (term, ...value) => facts.append(el('div', {}, el('dt', { text: term }), el('dd', {}, ...value)));
    const verified = Boolean(data.verified);
    const badge = el('span', {
      class: verified ? 'pill pill-success' : 'pill pill-warning',
      testid: 'customer-verified',
      text: verified ? 'Verified' : 'Unverified',
      title: verified ? 'The site signed who this customer is.' : 'The site did not sign this: the page could have said anything.',
    });
    if (data.name) fact('Name', el('span', { testid: 'customer-name', text: data.name }));
    if (data.email) fact('Email', el('span', { testid: 'customer-email', text: data.email }));
    if (data.id) fact('Customer id', el('span', { testid: 'customer-id', text: data.id }));
    for (const [key, value] of Object.entries(data.attributes ?? {})) {
      fact(key, el('span', { dataset: { attribute: key }, testid: 'customer-attribute', text: value }));
    }
    if (data.page?.url || data.page?.title) {
      fact('Page', el('span', { testid: 'customer-page' },
        data.page.title ? el('span', { text: data.page.title }) : null,
        data.page.title && data.page.url ? ' · ' : null,
        data.page.url ? pageLink(data.page.url) : null));
    }
    if (data.device) {
      const kind = DEVICE_KIND[data.device.kind] ?? 'Device';
      const parts = [kind, data.device.browser, data.device.system].filter((part) => part && part !== 'unknown');
      fact('Device', el('span', { testid: 'customer-device', text: parts.join(' · ') }));
    }
    const known = data.name || data.email || data.id || Object.keys(data.attributes ?? {}).length;
    setChildren(this.#body,
      el('p', { class: 'customer-panel__status' }, badge,
        known ? null : el('span', { class: 'customer-panel__note', text: ' The site passed no customer details.' })),
      facts,
      data.id ? this.#history(data) : null);
  }

  #history({ id, verified, earlier = [] }) {
    const list = el('ul', { class: 'customer-panel__history', testid: 'customer-history' });
    for (const chat of earlier) {
      const parts = [when(chat.createdAt), STATE_WORDS[chat.state] ?? chat.state];
      if (chat.wrapupName) parts.push(chat.wrapupName);
      list.append(el('li', { dataset: { earlierChat: chat.id } },
        el('span', { text: parts.join(' · ') }),
        chat.verified ? null : el('span', { class: 'customer-panel__note', text: ' (unverified id)' })));
    }
    if (!earlier.length) list.append(el('li', { class: 'customer-panel__note', text: 'No earlier chats.' }));
    return el('section', { class: 'customer-panel__earlier', 'aria-label': 'Earlier chats' },
      el('h3', { text: 'Earlier chats' }),
      verified ? null : el('p', { class: 'customer-panel__note', testid: 'customer-history-note',
        text: `Matched by customer id ${id}, which the site did not sign: they may not be the same person.` }),
      list);
  }
}
