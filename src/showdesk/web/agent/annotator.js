// Marking up a photo: the agent draws arrows and circles on the full-resolution picture ("this screw"),
// adds a line of text if they like, and sends the copy back into the chat. Shapes are kept in the photo's
// own pixels, so what the customer gets is the photo at its size with the marks on it.

const COLOUR = '#ff1a1a';
const OUTLINE = 'rgba(255, 255, 255, 0.85)';
const MIN_DRAG = 6; // photo pixels: a click without a drag draws nothing

export class Annotator {
  #ui;
  #send; // (conversationId, photo, blob, caption, clientId) => Promise
  #job = null; // {conversationId, photo, image, shapes, clientId}
  #tool = 'arrow';
  #drag = null;

  constructor(dialog, { send }) {
    this.#send = send;
    const $ = (id) => dialog.querySelector(`[data-testid="${id}"]`);
    this.#ui = {
      dialog,
      canvas: $('annotation-canvas'),
      arrow: $('annotation-arrow'),
      circle: $('annotation-circle'),
      undo: $('annotation-undo'),
      caption: $('annotation-caption'),
      send: $('annotation-send'),
      cancel: $('annotation-cancel'),
      error: $('annotation-error'),
    };
    const ui = this.#ui;
    ui.arrow.addEventListener('click', () => this.#choose('arrow'));
    ui.circle.addEventListener('click', () => this.#choose('circle'));
    ui.undo.addEventListener('click', () => {
      this.#job?.shapes.pop();
      this.#redraw();
    });
    ui.cancel.addEventListener('click', () => this.close());
    ui.send.addEventListener('click', () => this.#submit());
    ui.canvas.addEventListener('pointerdown', (event) => this.#start(event));
    ui.canvas.addEventListener('pointermove', (event) => this.#move(event));
    ui.canvas.addEventListener('pointerup', (event) => this.#finish(event));
    ui.canvas.addEventListener('pointercancel', () => { this.#drag = null; this.#redraw(); });
    dialog.addEventListener('close', () => { this.#job = null; });
  }

  /** Open the photo (already loaded at `url`) of chat `conversationId` for marking up. */
  async open(conversationId, photo, url) {
    const image = new Image();
    image.src = url;
    await image.decode();
    this.#job = { conversationId, photo, image, shapes: [], clientId: newClientId() };
    const { canvas } = this.#ui;
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    this.#ui.caption.value = '';
    this.#ui.error.hidden = true;
    this.#ui.send.disabled = false;
    this.#choose('arrow');
    this.#redraw();
    if (!this.#ui.dialog.open) this.#ui.dialog.showModal();
  }

  close() {
    if (this.#ui.dialog.open) this.#ui.dialog.close();
    this.#job = null;
  }

  #choose(tool) {
    this.#tool = tool;
    this.#ui.arrow.setAttribute('aria-pressed', String(tool === 'arrow'));
    this.#ui.circle.setAttribute('aria-pressed', String(tool === 'circle'));
  }

  /** A pointer position in the photo's pixels (the canvas is scaled down on screen). */
  #point(event) {
    const { canvas } = this.#ui;
    const box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / box.width) * canvas.width,
      y: ((event.clientY - box.top) / box.height) * canvas.height,
    };
  }

  #start(event) {
    if (!this.#job) return;
    this.#ui.canvas.setPointerCapture?.(event.pointerId);
    const from = this.#point(event);
    this.#drag = { tool: this.#tool, from, to: from };
  }

  #move(event) {
    if (!this.#drag) return;
    this.#drag.to = this.#point(event);
    this.#redraw();
  }

  #finish(event) {
    if (!this.#drag || !this.#job) return;
    this.#drag.to = this.#point(event);
    const { from, to } = this.#drag;
    if (Math.hypot(to.x - from.x, to.y - from.y) >= MIN_DRAG) this.#job.shapes.push(this.#drag);
    this.#drag = null;
    this.#redraw();
  }

  #redraw() {
    const job = this.#job;
    if (!job) return;
    const { canvas } = this.#ui;
    const g = canvas.getContext('2d');
    g.drawImage(job.image, 0, 0);
    const width = Math.max(4, Math.round(Math.min(canvas.width, canvas.height) / 120));
    for (const shape of [...job.shapes, ...(this.#drag ? [this.#drag] : [])]) drawShape(g, shape, width);
    this.#ui.undo.disabled = job.shapes.length === 0;
  }

  async #submit() {
    const job = this.#job;
    if (!job) return;
    const ui = this.#ui;
    ui.send.disabled = true;
    ui.error.hidden = true;
    try {
      const blob = await new Promise((resolve, reject) => {
        ui.canvas.toBlob((made) => (made ? resolve(made) : reject(new Error('The picture could not be made.'))),
          'image/jpeg', 0.92);
      });
      await this.#send(job.conversationId, job.photo, blob, ui.caption.value.trim(), job.clientId);
      this.close();
    } catch (error) {
      ui.error.textContent = 'The marked-up photo was not sent. Please try again.'; // never the browser's or server's raw text
      ui.error.hidden = false;
      ui.send.disabled = false; // sending again reuses the client id: the chat gets it once
    }
  }
}

function drawShape(g, { tool, from, to }, width) {
  for (const [colour, extra] of [[OUTLINE, width], [COLOUR, 0]]) {
    g.strokeStyle = colour;
    g.lineWidth = width + extra;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.beginPath();
    if (tool === 'circle') {
      const rx = Math.abs(to.x - from.x) / 2;
      const ry = Math.abs(to.y - from.y) / 2;
      g.ellipse((from.x + to.x) / 2, (from.y + to.y) / 2, Math.max(rx, 1), Math.max(ry, 1), 0, 0, Math.PI * 2);
    } else {
      // The head points at where the drag ended: "this one".
      const angle = Math.atan2(to.y - from.y, to.x - from.x);
      const head = width * 5;
      g.moveTo(from.x, from.y);
      g.lineTo(to.x, to.y);
      g.moveTo(to.x - head * Math.cos(angle - Math.PI / 6), to.y - head * Math.sin(angle - Math.PI / 6));
      g.lineTo(to.x, to.y);
      g.lineTo(to.x - head * Math.cos(angle + Math.PI / 6), to.y - head * Math.sin(angle + Math.PI / 6));
    }
    g.stroke();
  }
}

function newClientId() {
  return globalThis.crypto?.randomUUID?.() ?? `a-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
