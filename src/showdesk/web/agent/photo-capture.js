// The Capture photo button of one chat's video pane: asks the customer's camera for a full-resolution
// still, says "Taking a photo…" until it is in the chat (or the customer's device says why not), and
// is ready again after that, or after a minute without an answer.

const ANSWER_WAIT_MS = 60_000;

export class PhotoCapture {
  #button;
  #send;
  #onWords;
  #pending = false;
  #requestId = null;
  #timer = null;

  /** `send(frame)` writes to the agent socket; `onWords(text)` shows a line in the pane. */
  constructor(button, { send, onWords }) {
    this.#button = button;
    this.#send = send;
    this.#onWords = onWords;
    button.addEventListener('click', () => this.#ask());
  }

  get pending() { return this.#pending; }

  /** Shown while the video is live and the agent may answer video. */
  render(available) {
    this.#button.hidden = !available;
    this.#button.disabled = this.#pending;
    this.#button.textContent = this.#pending ? 'Taking a photo…' : 'Capture photo';
  }

  requested({ requestId }) {
    this.#requestId = requestId ?? null;
  }

  failed({ requestId, text }) {
    if (this.#requestId && requestId && requestId !== this.#requestId) return;
    this.#done(text || 'The photo could not be taken.');
  }

  /** A photo message arrived in the chat: the customer's still answers the request. */
  arrived(photo) {
    if (photo?.kind === 'capture') this.#done(null);
  }

  /** The server refused the request, or the video ended: ready again. */
  reset() {
    this.#done(null);
  }

  #ask() {
    if (this.#pending) return;
    this.#pending = true;
    this.#requestId = null;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#done('No photo arrived from the customer’s device.'), ANSWER_WAIT_MS);
    this.#send({ type: 'videoPhoto' });
    this.render(true);
  }

  #done(words) {
    const was = this.#pending;
    clearTimeout(this.#timer);
    this.#pending = false;
    this.#requestId = null;
    if (was || words) this.#onWords(words);
  }
}
