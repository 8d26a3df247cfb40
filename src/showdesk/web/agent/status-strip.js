// Connection trouble in words, under the top bar.

export class StatusStrip {
  #element;
  #text;
  #retry;
  #hideTimer = null;

  constructor(element, { onRetry }) {
    this.#element = element;
    this.#text = element.querySelector('.status-strip__text');
    this.#retry = element.querySelector('#reconnect-now');
    this.#retry.addEventListener('click', onRetry);
  }

  show({ state, attempt, delayMs }) {
    clearTimeout(this.#hideTimer);
    this.#element.dataset.state = state;
    this.#element.hidden = false;
    this.#retry.hidden = state !== 'reconnecting' && state !== 'closed';
    if (state === 'open') {
      this.#text.textContent = 'Connected';
      // Once things are fine the strip folds away; trouble keeps it in view.
      this.#hideTimer = setTimeout(() => { this.#element.dataset.settled = ''; }, 2500);
      return;
    }
    delete this.#element.dataset.settled;
    if (state === 'connecting') this.#text.textContent = 'Connecting…';
    else if (state === 'reconnecting') {
      const wait = delayMs ? ` Next try in ${Math.ceil(delayMs / 1000)} s.` : '';
      this.#text.textContent = `Reconnecting…${attempt > 1 ? ` (attempt ${attempt})` : ''}${wait}`;
    } else if (state === 'closed') this.#text.textContent = 'Disconnected from ShowDesk.';
  }
}
