// The error banner (data-testid="error-banner"): a title in words and the server's detail.

import { describeError } from './error-text.js';

export class ErrorBanner {
  #element;
  #title;
  #detail;
  #describe;

  /** `describe` turns an error into `{title, detail}` (default: describeError); `dismiss` names the close button. */
  constructor(element, { describe = describeError, dismiss = 'Dismiss' } = {}) {
    this.#element = element;
    this.#describe = describe;
    element.replaceChildren();
    const text = document.createElement('div');
    text.className = 'banner__text';
    this.#title = document.createElement('strong');
    this.#detail = document.createElement('span');
    this.#detail.className = 'banner__detail';
    text.append(this.#title, this.#detail);
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'banner__close';
    close.setAttribute('aria-label', dismiss);
    close.addEventListener('click', () => this.hide());
    element.append(text, close);
    element.setAttribute('role', 'alert');
  }

  get visible() { return !this.#element.hidden; }

  /** Show an error: an Error/ChatError/ApiError, a server `error` frame, or plain words. */
  show(error) {
    const { title, detail } = this.#describe(error);
    this.#title.textContent = title;
    this.#detail.textContent = detail;
    this.#detail.hidden = !detail;
    this.#element.hidden = false;
  }

  hide() {
    this.#element.hidden = true;
  }
}
