// The live quality panel beside the customer's picture: what the agent's browser receives, in numbers.

const FIELDS = [
  ['resolution', (q) => (q.width ? `${q.width}×${q.height}` : '–'), (q) => (q.width ? `${q.width}x${q.height}` : '')],
  ['fps', (q) => `${q.fps} fps`, (q) => q.fps],
  ['bitrate', (q) => `${q.kbps} kbit/s`, (q) => q.kbps],
  ['loss', (q) => `${q.lossPercent} %`, (q) => q.lossPercent],
  ['rtt', (q) => (q.rttMs === null ? '–' : `${q.rttMs} ms`), (q) => q.rttMs ?? ''],
  ['path', (q) => q.path ?? '–', (q) => q.path ?? ''],
];

export class QualityPanel {
  #element;
  #cells;

  constructor(element) {
    this.#element = element;
    this.#cells = Object.fromEntries(FIELDS.map(([name]) => [name, element.querySelector(`[data-testid="quality-${name}"]`)]));
  }

  /** Shows one measurement; each cell also carries the raw number in `data-value`. */
  show(quality) {
    for (const [name, text, value] of FIELDS) {
      const cell = this.#cells[name];
      cell.textContent = text(quality);
      cell.dataset.value = String(value(quality));
    }
    this.#element.dataset.path = quality.path ?? '';
    this.#element.hidden = false;
  }

  clear() {
    this.#element.hidden = true;
    for (const cell of Object.values(this.#cells)) {
      cell.textContent = '–';
      cell.dataset.value = '';
    }
  }
}
