// Marks on a live picture, drawn the same way on the agent's desktop (who draws them) and in the customer's
// widget (who sees them on their own viewfinder). A mark's points are shares (0..1) of the picture's width
// and height as the camera sends it, so it lands on the same spot of the product on both screens: the
// layer maps them onto where the picture is inside its <video> (object-fit: contain) and draws again
// whenever the element's size or the camera's resolution or orientation changes.

const SVG = 'http://www.w3.org/2000/svg';
export const MARK_COLORS = { red: '#ff3b30', yellow: '#ffd60a', green: '#30d158', blue: '#0a84ff', white: '#ffffff' };

/** Where the picture is inside `video` (object-fit: contain), in pixels of the element's own box. */
export function pictureBox(video) {
  const width = video.clientWidth;
  const height = video.clientHeight;
  const sourceWidth = video.videoWidth || width || 1;
  const sourceHeight = video.videoHeight || height || 1;
  const scale = Math.min(width / sourceWidth, height / sourceHeight);
  const shown = { width: sourceWidth * scale, height: sourceHeight * scale };
  return { left: (width - shown.width) / 2, top: (height - shown.height) / 2, ...shown };
}

/** A point of the picture, as shares of its size, from a pointer event over the video (clamped to it). */
export function pointOnPicture(video, event) {
  const rect = video.getBoundingClientRect();
  const box = pictureBox(video);
  const share = (value) => Math.round(Math.min(1, Math.max(0, value)) * 10000) / 10000;
  return [share((event.clientX - rect.left - box.left) / box.width),
    share((event.clientY - rect.top - box.top) / box.height)];
}

/** Put `element` (absolutely positioned, in the same positioned parent) exactly over `video`'s box. */
export function coverVideo(element, video) {
  Object.assign(element.style, {
    position: 'absolute', left: `${video.offsetLeft}px`, top: `${video.offsetTop}px`,
    width: `${video.clientWidth}px`, height: `${video.clientHeight}px`,
  });
}

function node(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

export class MarkLayer {
  #video;
  #marks = new Map();
  #observer;

  /** An SVG over `video` (its parent must be positioned); `label` names it for screen readers. */
  constructor(video, { label, testId }) {
    this.#video = video;
    this.svg = node('svg', { class: 'picture-marks', role: 'img', 'aria-label': label, 'data-testid': testId });
    this.svg.style.cssText = 'position:absolute;pointer-events:none;overflow:visible;z-index:2';
    video.after(this.svg);
    this.#observer = new ResizeObserver(() => this.draw());
    this.#observer.observe(video);
    video.addEventListener('resize', () => this.draw()); // the camera's resolution or orientation changed
    this.onDraw = null; // told after each drawing (overlays that follow the video's box)
    this.draw();
  }

  get count() { return this.#marks.size; }

  /** Add a mark, or replace the one with the same id. */
  set(mark) {
    this.#marks.set(mark.id, mark);
    this.draw();
  }

  clear() {
    this.#marks.clear();
    this.draw();
  }

  /** Draw every mark onto `context` over a picture of `width` x `height` (a saved frame). */
  paint(context, width, height) {
    const scale = Math.max(width, height) / 600;
    for (const mark of this.#marks.values()) {
      const [start, end] = mark.points.map(([x, y]) => [x * width, y * height]);
      context.strokeStyle = context.fillStyle = MARK_COLORS[mark.color] ?? MARK_COLORS.red;
      context.lineWidth = 4 * scale;
      context.lineCap = context.lineJoin = 'round';
      if (mark.kind === 'text') {
        context.font = `600 ${Math.round(22 * scale)}px system-ui, sans-serif`;
        context.lineWidth = 5 * scale;
        context.strokeStyle = 'rgba(0,0,0,.75)';
        context.strokeText(mark.text, ...start);
        context.fillText(mark.text, ...start);
      } else if (mark.kind === 'circle') {
        context.beginPath();
        context.arc(...start, Math.hypot(end[0] - start[0], end[1] - start[1]), 0, 2 * Math.PI);
        context.stroke();
      } else {
        const points = mark.points.map(([x, y]) => [x * width, y * height]);
        context.beginPath();
        points.forEach(([x, y], i) => (i ? context.lineTo(x, y) : context.moveTo(x, y)));
        context.stroke();
        if (mark.kind === 'arrow') this.#arrowHead(context, start, end, 16 * scale);
      }
    }
  }

  draw() {
    const video = this.#video;
    const box = pictureBox(video);
    coverVideo(this.svg, video);
    this.svg.setAttribute('viewBox', `0 0 ${video.clientWidth || 1} ${video.clientHeight || 1}`);
    this.svg.replaceChildren(...[...this.#marks.values()].map((mark) => this.#shape(mark, box)));
    this.onDraw?.();
  }

  #shape(mark, box) {
    const at = ([x, y]) => [box.left + x * box.width, box.top + y * box.height];
    const points = mark.points.map(at);
    const color = MARK_COLORS[mark.color] ?? MARK_COLORS.red;
    const stroke = { stroke: color, 'stroke-width': 4, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', fill: 'none' };
    const group = node('g', { 'data-mark-id': mark.id, 'data-kind': mark.kind });
    const [start, end] = points;
    if (mark.kind === 'text') {
      const label = node('text', { x: start[0], y: start[1], fill: color, stroke: 'rgba(0,0,0,.75)', 'stroke-width': 4,
        'paint-order': 'stroke', 'font-size': 20, 'font-weight': 600, 'font-family': 'system-ui, sans-serif' });
      label.textContent = mark.text;
      group.append(label);
    } else if (mark.kind === 'circle') {
      group.append(node('circle', { cx: start[0], cy: start[1], r: Math.hypot(end[0] - start[0], end[1] - start[1]), ...stroke }));
    } else {
      group.append(node('polyline', { points: points.map((p) => p.join(',')).join(' '), ...stroke }));
      if (mark.kind === 'arrow') {
        const [a, b, c] = this.#headPoints(start, end, 16);
        group.append(node('polygon', { points: [a, b, c].map((p) => p.join(',')).join(' '), fill: color }));
      }
    }
    group.dataset.x = String(Math.round(start[0]));
    group.dataset.y = String(Math.round(start[1]));
    return group;
  }

  #headPoints(start, end, size) {
    const angle = Math.atan2(end[1] - start[1], end[0] - start[0]);
    const side = (turn) => [end[0] - size * Math.cos(angle + turn), end[1] - size * Math.sin(angle + turn)];
    return [end, side(0.45), side(-0.45)];
  }

  #arrowHead(context, start, end, size) {
    const [a, b, c] = this.#headPoints(start, end, size);
    context.beginPath();
    context.moveTo(...a);
    context.lineTo(...b);
    context.lineTo(...c);
    context.closePath();
    context.fill();
  }
}
