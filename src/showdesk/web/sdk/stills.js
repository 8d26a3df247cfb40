// Photo mode on the customer's side: when the uplink cannot carry a readable live picture, the camera's
// frames stop going out live and sharp stills go instead, one after another, as fast as the link allows:
// each at the camera's full resolution, its JPEG quality chosen so that it goes through the link in a few
// seconds (the link as the upload before measured it; for the first, as WebRTC's own estimate had it), and
// never more often than one every STILL_EVERY_MS.

import { grabFrame, photoError, uploadPhoto } from './photo.js';

export const STILL_EVERY_MS = 3000; // a still at most this often, on a fast link
const SECONDS_PER_STILL = 5; // the size aimed at: what the last upload's rate sends in this time
const QUALITIES = [0.85, 0.7, 0.55, 0.42, 0.3, 0.2, 0.12]; // JPEG qualities tried, best first
const FIRST_QUALITY = 0.7; // before any upload has measured the link
const RETRY_MS = 1000; // after an upload that failed for a passing reason
const OVER = new Set(['not_photo_mode', 'video_not_open', 'chat_ended', 'conversation_not_found', 'token_invalid',
  'token_expired', 'customer_only']);

/** A frame of the live `track` at the resolution the camera delivers, as an ImageBitmap. */
function grab(track) {
  if (!track || track.readyState !== 'live') throw photoError('no_camera', 'The camera is not sharing.');
  return grabFrame(track);
}

function jpeg(canvas, quality) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((made) => (made ? resolve(made) : reject(photoError('capture_failed', 'No picture.'))),
      'image/jpeg', quality);
  });
}

/**
 * A still of `track` at full resolution as a JPEG Blob no larger than `targetBytes` if any quality in
 * QUALITIES gets there (else the smallest); with no target yet, FIRST_QUALITY.
 */
export async function takeStill(track, targetBytes = null) {
  const bitmap = await grab(track);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0);
  bitmap.close?.();
  if (!targetBytes) return jpeg(canvas, FIRST_QUALITY);
  let blob = null;
  for (const quality of QUALITIES) {
    blob = await jpeg(canvas, quality);
    if (blob.size <= targetBytes) break;
  }
  return blob;
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/**
 * Sends stills until `stop()`: `track()` is the camera's track now (it may change: the other camera),
 * `upload(blob)` posts one and resolves to the server's photo; `sent(photo, blob)` hears of each one that
 * arrived and `ended(error)` of a refusal that ends photo mode on this side (the server ended it).
 */
export class StillSender {
  #controller = new AbortController();
  #bytesPerSecond = null;

  /** `bitsPerSecond`: what the link is thought to carry before the first upload measures it (null: unknown). */
  constructor({ track, upload, sent = () => {}, ended = () => {}, bitsPerSecond = null }) {
    if (bitsPerSecond > 0) this.#bytesPerSecond = bitsPerSecond / 8;
    this.#run(track, upload, sent, ended);
  }

  get running() { return !this.#controller.signal.aborted; }

  stop() {
    this.#controller.abort();
  }

  async #run(track, upload, sent, ended) {
    const { signal } = this.#controller;
    while (!signal.aborted) {
      const started = performance.now();
      try {
        const target = this.#bytesPerSecond ? this.#bytesPerSecond * SECONDS_PER_STILL : null;
        const blob = await takeStill(track(), target);
        if (signal.aborted) return;
        const sending = performance.now();
        const photo = await upload(blob);
        this.#bytesPerSecond = blob.size / Math.max((performance.now() - sending) / 1000, 0.05);
        if (signal.aborted) return;
        sent(photo, blob);
      } catch (error) {
        if (signal.aborted) return;
        if (OVER.has(error?.code)) {
          this.stop();
          ended(error);
          return;
        }
        await sleep(RETRY_MS, signal); // a passing failure (the link, too fast): the next still tries again
      }
      const wait = STILL_EVERY_MS - (performance.now() - started);
      if (wait > 0) await sleep(wait, signal);
    }
  }
}

/** One still to the chat's photo-mode route (the chat's guest token); a failed one is replaced by the next. */
export function uploadStill({ url, token, blob }) {
  return uploadPhoto({ url, token, request: null, blob, tries: 1 });
}
