// The chat follows new messages: while the customer is at the newest line, whatever comes (a message, a
// photo that finishes loading, the log getting shorter because the video opened or the keyboard came up)
// keeps the newest line in view. Scrolled up to read, they are left there and a "New message" button
// appears instead, which takes them down.

const NEAR_BOTTOM_PX = 40;

export class ChatFollower {
  #list;
  #cue;
  #following = true;
  #pinnedAt = 0; // where toEnd() left the log: a scroll above it is the customer's own

  /** `list` the scrolling log, `cue` the "New message" button; `isMine(item)` for the customer's own lines. */
  constructor(list, cue, { isMine = () => false } = {}) {
    this.#list = list;
    this.#cue = cue;
    list.addEventListener('scroll', () => this.#scrolled(), { passive: true });
    new ResizeObserver(() => this.#keep()).observe(list);
    // An image arrived (or failed) and changed its line's height.
    list.addEventListener('load', () => this.#keep(), true);
    list.addEventListener('error', () => this.#keep(), true);
    new MutationObserver((records) => {
      const added = records.flatMap((r) => [...r.addedNodes]).filter((n) => n.nodeType === Node.ELEMENT_NODE);
      if (!added.length) return;
      if (this.#following) this.toEnd();
      else if (added.some((item) => !isMine(item))) cue.hidden = false;
    }).observe(list, { childList: true });
    cue.addEventListener('click', () => this.toEnd());
  }

  get following() { return this.#following; }

  /** Show the newest line (and follow from now on). */
  toEnd() {
    const list = this.#list;
    list.scrollTop = list.scrollHeight;
    this.#pinnedAt = list.scrollTop;
    this.#following = true;
    this.#cue.hidden = true;
  }

  /**
   * A scroll the customer made upwards decides whether we follow; one that only reports where toEnd() put
   * the log (the event comes a frame later, when the lines may have grown again) never stops the following.
   */
  #scrolled() {
    const list = this.#list;
    const movedUp = list.scrollTop < this.#pinnedAt - 1;
    if (movedUp || !this.#following) this.#following = this.#atBottom();
    else if (!this.#atBottom()) this.toEnd(); // the lines grew since: stay with the newest
    if (this.#following) {
      this.#pinnedAt = list.scrollTop;
      this.#cue.hidden = true;
    }
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
