// The agent's routing status in the top bar, and the switch that puts them on or off queue.

const WORDS = {
  off_queue: 'Off queue',
  on_queue: 'On queue',
  busy: 'Busy',
  not_responding: 'Not responding',
};
const TONES = { on_queue: 'pill-success', busy: 'pill-accent', not_responding: 'pill-danger' };

export class PresenceControl {
  #status = 'off_queue';
  #pill;
  #toggle;
  #label;
  #notice;

  constructor({ pill, toggle, notice, onChange }) {
    this.#pill = pill;
    this.#toggle = toggle;
    this.#label = toggle.querySelector('.switch__label');
    this.#notice = notice;
    toggle.addEventListener('click', () => {
      // Busy still counts as on queue: pressing again takes the agent off queue.
      const next = this.isOnQueue ? 'off_queue' : 'on_queue';
      toggle.setAttribute('aria-busy', 'true');
      onChange(next);
    });
    this.set('off_queue');
  }

  get status() { return this.#status; }
  get isOnQueue() { return this.#status === 'on_queue' || this.#status === 'busy'; }

  set(status) {
    this.#status = WORDS[status] ? status : 'off_queue';
    this.#pill.textContent = WORDS[this.#status];
    this.#pill.dataset.status = this.#status;
    this.#pill.className = `presence-status pill ${TONES[this.#status] ?? ''}`.trim();
    this.#toggle.setAttribute('aria-checked', String(this.isOnQueue));
    this.#toggle.removeAttribute('aria-busy');
    this.#label.textContent = this.isOnQueue ? 'Go off queue' : 'Go on queue';
    this.#notice.hidden = this.#status !== 'not_responding';
    document.body.dataset.presence = this.#status;
  }
}
