// Pointing at the product on the live picture: the agent turns pointing on (`annotate-live`), picks a tool
// and draws on the customer's picture; each mark goes to the customer's viewfinder at the same spot of
// the picture (static/picture-marks.js). Freeze holds the current frame to draw on while the stream goes
// on underneath; Save puts the frame with its marks into the chat as a photo; Clear takes every mark off
// both screens.

import { MarkLayer, coverVideo, pointOnPicture } from '/static/picture-marks.js';

const TOOLS = ['arrow', 'circle', 'pen', 'text'];
const MIN_DRAG = 0.01; // shares of the picture: less is a click, not a drag
const POINTER_ARROW = [-0.08, -0.08]; // a click with the arrow: an arrow from up-left onto the spot

export class LiveMarks {
  #ui;
  #video;
  #send;
  #save;
  #onWords;
  #layer;
  #tool = 'arrow';
  #stroke = null;
  #frozen = null;
  #count = 0;
  #saving = 0;
  on = false;

  /**
   * @param {(id: string) => HTMLElement} $ the pane's elements by test id
   * @param {{send: (frame) => void, save: (blob: Blob, clientId: string) => Promise<unknown>,
   *   onWords: (words: string) => void}} options
   */
  constructor($, { send, save, onWords }) {
    this.#video = $('remote-video');
    this.#send = send;
    this.#save = save;
    this.#onWords = onWords;
    this.#ui = {
      toggle: $('annotate-live'), tools: $('mark-tools'), label: $('mark-label'),
      freeze: $('mark-freeze'), clear: $('mark-clear'), save: $('mark-save'),
      surface: $('mark-surface'), frame: $('frozen-frame'),
      tool: Object.fromEntries(TOOLS.map((tool) => [tool, $(`mark-${tool}`)])),
    };
    this.#layer = new MarkLayer(this.#video, { label: 'Your marks on the picture', testId: 'live-marks' });
    const ui = this.#ui;
    this.#layer.onDraw = () => { // the frozen frame and the drawing surface follow the picture's box
      coverVideo(ui.frame, this.#video);
      coverVideo(ui.surface, this.#video);
    };
    ui.toggle.addEventListener('click', () => this.#turn(!this.on));
    for (const tool of TOOLS) ui.tool[tool].addEventListener('click', () => this.#choose(tool));
    ui.freeze.addEventListener('click', () => (this.#frozen ? this.#unfreeze() : this.#freeze()));
    ui.clear.addEventListener('click', () => {
      this.#layer.clear();
      this.#send({ type: 'videoMarksClear' });
    });
    ui.save.addEventListener('click', () => this.#saveFrame());
    ui.surface.addEventListener('pointerdown', (event) => this.#down(event));
    ui.surface.addEventListener('pointermove', (event) => this.#move(event));
    ui.surface.addEventListener('pointerup', (event) => this.#up(event));
    ui.surface.addEventListener('pointercancel', () => { this.#stroke = null; });
    this.render(false);
  }

  /** Marks from the server: this desktop's own coming back, another desktop's, or either side's Clear. */
  onFrame(frame) {
    if (frame.type === 'videoMark' && frame.mark) this.#layer.set(frame.mark);
    if (frame.type === 'videoMarksCleared') this.#layer.clear();
  }

  /** `live`: the picture is on (live or held); otherwise pointing is off and every mark is gone. */
  render(live) {
    const ui = this.#ui;
    if (!live && (this.on || this.#layer.count)) {
      this.#turn(false);
      this.#layer.clear();
    }
    ui.toggle.hidden = !live;
    ui.toggle.setAttribute('aria-pressed', String(this.on));
    ui.toggle.textContent = this.on ? 'Stop pointing' : 'Point';
    for (const element of [ui.tools, ui.freeze, ui.clear, ui.save]) element.hidden = !(live && this.on);
    ui.label.hidden = !(live && this.on && this.#tool === 'text');
    ui.surface.hidden = !(live && this.on);
    this.#layer.draw();
    for (const tool of TOOLS) ui.tool[tool].setAttribute('aria-pressed', String(this.#tool === tool));
    ui.freeze.setAttribute('aria-pressed', String(Boolean(this.#frozen)));
    ui.freeze.textContent = this.#frozen ? 'Back to live' : 'Freeze frame';
    ui.save.disabled = this.#saving > 0;
  }

  #turn(on) {
    this.on = on;
    if (!on) this.#unfreeze();
    this.render(!this.#ui.toggle.hidden);
  }

  #choose(tool) {
    this.#tool = tool;
    this.render(true);
    if (tool === 'text') this.#ui.label.focus();
  }

  #down(event) {
    if (event.button !== 0) return;
    event.preventDefault();
    this.#ui.surface.setPointerCapture?.(event.pointerId);
    this.#stroke = { points: [pointOnPicture(this.#video, event)] };
  }

  #move(event) {
    if (!this.#stroke) return;
    const point = pointOnPicture(this.#video, event);
    if (this.#tool === 'pen') {
      if (this.#stroke.points.length < 400) this.#stroke.points.push(point);
    } else {
      this.#stroke.points[1] = point;
    }
  }

  #up(event) {
    if (!this.#stroke) return;
    this.#move(event);
    const { points } = this.#stroke;
    this.#stroke = null;
    const mark = this.#markFrom(points);
    if (!mark) return;
    this.#layer.set(mark); // at once here; the customer's viewfinder gets it from the server
    this.#send({ type: 'videoMark', mark });
  }

  #markFrom(points) {
    const id = `mk-${Date.now().toString(36)}-${(this.#count += 1)}`;
    const [start, end = start] = points;
    const dragged = Math.hypot(end[0] - start[0], end[1] - start[1]) >= MIN_DRAG;
    const clamp = (value) => Math.min(1, Math.max(0, value));
    switch (this.#tool) {
      case 'arrow':
        return dragged
          ? { id, kind: 'arrow', points: [start, end], color: 'red' }
          : { id, kind: 'arrow', color: 'red',
            points: [[clamp(start[0] + POINTER_ARROW[0]), clamp(start[1] + POINTER_ARROW[1])], start] };
      case 'circle':
        return { id, kind: 'circle', color: 'red',
          points: [start, dragged ? end : [clamp(start[0] + 0.05), start[1]]] };
      case 'pen':
        return points.length >= 2 ? { id, kind: 'pen', points, color: 'yellow' } : null;
      default: {
        const text = this.#ui.label.value.trim();
        if (!text) {
          this.#onWords('Type the text to place first, then click on the picture.');
          this.#ui.label.focus();
          return null;
        }
        return { id, kind: 'text', points: [start], text: text.slice(0, 80), color: 'white' };
      }
    }
  }

  /** The frame on screen now, at the camera's own resolution. */
  #grab() {
    const video = this.#video;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d').drawImage(this.#frozen ?? video, 0, 0);
    return canvas;
  }

  #freeze() {
    if (!this.#video.videoWidth) return;
    const frame = this.#ui.frame;
    const still = this.#grab();
    frame.width = still.width;
    frame.height = still.height;
    frame.getContext('2d').drawImage(still, 0, 0);
    frame.hidden = false;
    this.#frozen = frame;
    this.render(true);
  }

  #unfreeze() {
    this.#frozen = null;
    this.#ui.frame.hidden = true;
    if (!this.#ui.toggle.hidden) this.render(true);
  }

  async #saveFrame() {
    if (!this.#video.videoWidth) return;
    const canvas = this.#grab();
    this.#layer.paint(canvas.getContext('2d'), canvas.width, canvas.height);
    this.#saving += 1;
    this.render(true);
    try {
      const blob = await new Promise((resolve, reject) => canvas.toBlob(
        (made) => (made ? resolve(made) : reject(new Error('The picture could not be made.'))), 'image/jpeg', 0.92,
      ));
      await this.#save(blob, `frame-${Date.now().toString(36)}-${(this.#count += 1)}`);
      this.#onWords('The frame with your marks is in the chat.');
    } catch {
      this.#onWords('The frame could not be saved to the chat. Try Save again.');
    } finally {
      this.#saving -= 1;
      this.render(true);
    }
  }
}
