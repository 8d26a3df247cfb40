// The chat follows new messages: while the customer is at the newest line, whatever comes (a message, a
// photo that finishes loading, the log getting shorter because the video opened or the keyboard came up)
// keeps the newest line in view. Scrolled up to read, they are left there and a "New message" button
// appears instead, which takes them down.

const NEAR_BOTTOM_PX = 40;

export class ChatFollower {
  #list;
  #cue;
  #following = true;

  /** `list` the scrolling log, `cue` the "New message" button; `isMine(item)` for the customer's own lines. */
  constructor(list, cue, { isMine = () => false } = {}) {
    this.#list = list;
    this.#cue = cue;
    list.addEventListener('scroll', () => {
      this.#following = this.#atBottom();
      if (this.#following) cue.hidden = true;
    }, { passive: true });
    new ResizeObserver(() => this.#keep()).observe(list);
    list.addEventListener('load', () => this.#keep(), true); // an image arrived and made its line taller
    new MutationObserver((records) => {
      const added = records.flatMap((r) => [...r.addedNodes]).filter((n) => n.nodeType === Node.ELEMENT_NODE);
      if (!added.length) return;
      if (this.#following) this.toEnd();
      else if (added.some((item) => !isMine(item))) cue.hidden = false;
    }).observe(list, { childList: true });
    cue.addEventListener('click', () => {
      this.toEnd();
      list.lastElementChild?.focus?.({ preventScroll: true });
    });
  }

  get following() { return this.#following; }

  /** Show the newest line (and follow from now on). */
  toEnd() {
    this.#list.scrollTop = this.#list.scrollHeight;
    this.#following = true;
    this.#cue.hidden = true;
  }

  /** Layout changed (the panel opened, the video started): stay at the newest line if that is where we were. */
  #keep() {
    if (this.#following) this.toEnd();
  }

  #atBottom() {
    const { scrollTop, scrollHeight, clientHeight } = this.#list;
    return scrollHeight - scrollTop - clientHeight < NEAR_BOTTOM_PX;
  }
}
