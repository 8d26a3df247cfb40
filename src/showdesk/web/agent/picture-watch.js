// Watches the customer's picture on the agent desktop once the connection is up, so a connected session
// is never a silent black screen: frames that never come, come but cannot be decoded, stop coming, or
// come black. Each problem is named once it has lasted a few seconds, and cleared when it goes away.

export const PICTURE_LIMITS = Object.freeze({
  intervalMs: 1000,
  firstFrameMs: 4000, // connected this long without a decoded frame: say so
  giveUpMs: 15000, // ... and this long: the session fails, saying why
  frozenMs: 4000, // no new frame for this long while live
  blackChecks: 3, // this many black samples in a row (one a second)
});

export const PROBLEM_WORDS = {
  no_frames: 'Connected, but no picture is arriving: a network in between may be dropping the video.',
  not_decoding: 'Video data arrives but cannot be decoded into a picture.',
  black_frames: "The picture is black: the customer's camera may be covered or pointed at something dark.",
  frozen: 'The picture froze: no new frames for a few seconds.',
};

const SAMPLE_W = 32;
const SAMPLE_H = 18;

export class PictureWatch {
  #video;
  #on;
  #stopped = false;
  #since = performance.now();
  #lastProgress = performance.now();
  #frames = 0;
  #blackRun = 0;
  #current = null;
  #canvas = null;

  /**
   * `on.paused()` is true while no frames are expected (hold, reconnecting); `on.problem(cause)` and
   * `on.cleared()` follow the picture; `on.giveUp(reason)` once, when no frame ever came. Fed one
   * `readVideoStats` reading about every `PICTURE_LIMITS.intervalMs`.
   */
  constructor(video, on) {
    this.#video = video;
    this.#on = on;
  }

  get problem() { return this.#current; }

  stop() {
    this.#stopped = true;
  }

  observe({ framesDecoded, bytesReceived, at }) {
    if (!this.#stopped) this.#judge(framesDecoded, bytesReceived, at);
  }

  #judge(framesDecoded, bytesReceived, now) {
    if (this.#on.paused()) { // nothing is expected: the clocks start again afterwards
      this.#lastProgress = now;
      if (this.#frames === 0) this.#since = now;
      this.#blackRun = 0;
      return;
    }
    if (framesDecoded > this.#frames) {
      this.#frames = framesDecoded;
      this.#lastProgress = now;
    }
    if (this.#frames === 0) {
      const waited = now - this.#since;
      const cause = bytesReceived > 0 ? 'not_decoding' : 'no_frames';
      if (waited >= PICTURE_LIMITS.giveUpMs) {
        this.stop();
        this.#on.giveUp('no_frames');
      } else if (waited >= PICTURE_LIMITS.firstFrameMs) {
        this.#report(cause);
      }
      return;
    }
    if (now - this.#lastProgress >= PICTURE_LIMITS.frozenMs) return this.#report('frozen');
    this.#blackRun = this.#isBlack() ? this.#blackRun + 1 : 0;
    if (this.#blackRun >= PICTURE_LIMITS.blackChecks) return this.#report('black_frames');
    if (this.#blackRun === 0) this.#clear();
    return undefined;
  }

  /** A small copy of the current frame: black when even its brightest spot is dark. */
  #isBlack() {
    const video = this.#video;
    if (!video.videoWidth || video.readyState < 2) return false;
    this.#canvas ??= Object.assign(document.createElement('canvas'), { width: SAMPLE_W, height: SAMPLE_H });
    const ctx = this.#canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, SAMPLE_W, SAMPLE_H);
    const { data } = ctx.getImageData(0, 0, SAMPLE_W, SAMPLE_H);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < data.length; i += 4) {
      const luma = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
      sum += luma;
      if (luma > max) max = luma;
    }
    return max < 40 && sum / (SAMPLE_W * SAMPLE_H) < 16;
  }

  #report(cause) {
    if (this.#current === cause) return;
    this.#current = cause;
    this.#on.problem(cause);
  }

  #clear() {
    if (this.#current === null) return;
    this.#current = null;
    this.#on.cleared();
  }
}
