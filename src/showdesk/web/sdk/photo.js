// The customer's side of an HD photo: a full-resolution still from the camera being shared, sent to the
// chat over HTTPS. The still comes from `ImageCapture.takePhoto()` where the browser has it (the camera's
// own photo resolution, however low the live stream has gone), else from a frame of the track at the
// resolution the camera delivers.

const LOSSLESS_LIMIT = 512 * 1024; // a larger PNG is sent as a JPEG: the same pixels, far fewer bytes
const JPEG_QUALITY = 0.92;
const UPLOAD_TRIES = 4;
const UPLOAD_TIMEOUT_MS = 60_000; // a 2 MB photo on a 300 kbit/s uplink takes about a minute

/** A still of the live `track` as a Blob (image/jpeg or image/png). */
export async function takePhoto(track) {
  if (!track || track.readyState !== 'live') throw photoError('no_camera', 'The camera is not sharing.');
  let blob = null;
  if (typeof globalThis.ImageCapture === 'function') {
    try {
      blob = await new globalThis.ImageCapture(track).takePhoto();
    } catch {
      blob = null; // not every camera takes photos: a frame of the track will do
    }
  }
  if (!blob?.size) blob = await frameOf(track);
  if (blob.type !== 'image/jpeg' && blob.size > LOSSLESS_LIMIT) blob = await asJpeg(blob);
  return blob;
}

/** One frame of the track at its own resolution, as a JPEG. */
async function frameOf(track) {
  return toBlob(await grabFrame(track), 'image/jpeg');
}

/** One frame of the track at the resolution the camera delivers, as an ImageBitmap. */
export async function grabFrame(track) {
  if (typeof globalThis.ImageCapture === 'function') {
    const bitmap = await new globalThis.ImageCapture(track).grabFrame().catch(() => null);
    if (bitmap) return bitmap;
  }
  return frameFromVideoElement(track);
}

async function frameFromVideoElement(track) {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  try {
    await video.play();
    if (!video.videoWidth) await new Promise((resolve) => { video.onloadeddata = resolve; });
    return await createImageBitmap(video);
  } finally {
    video.srcObject = null;
  }
}

async function asJpeg(blob) {
  return toBlob(await createImageBitmap(blob), 'image/jpeg');
}

function toBlob(image, type) {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d').drawImage(image, 0, 0);
  image.close?.();
  return new Promise((resolve, reject) => {
    canvas.toBlob((made) => (made ? resolve(made) : reject(photoError('capture_failed', 'No picture.'))),
      type, JPEG_QUALITY);
  });
}

/**
 * POST the photo for the agent's request (`request`, sent in a header: never in the URL, which servers
 * log); the same request sent again stores nothing new, so a lost response is simply retried. Resolves
 * to the server's `{photo, message}`.
 */
export async function uploadPhoto({ url, token, request, blob, tries = UPLOAD_TRIES, fetchImpl = globalThis.fetch }) {
  let lastError = null;
  for (let attempt = 0; attempt < tries; attempt += 1) {
    if (attempt) await sleep(1000 * 2 ** (attempt - 1));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), UPLOAD_TIMEOUT_MS);
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': blob.type || 'image/jpeg',
          ...(request ? { 'X-Photo-Request': request } : {}),
        },
        body: blob,
        signal: controller.signal,
      });
      const body = await response.json().catch(() => null);
      if (response.ok) return body;
      lastError = photoError(body?.code ?? 'upload_failed', body?.message ?? `The photo was refused (${response.status}).`);
      if (response.status < 500 && response.status !== 408 && response.status !== 429) throw lastError;
    } catch (error) {
      if (error === lastError) throw error; // refused for good: sending it again cannot help
      lastError = photoError('upload_failed', 'The photo could not be sent.');
    } finally {
      clearTimeout(timer);
    }
  }
  throw lastError;
}

export function photoError(code, message) {
  const error = new Error(message);
  error.name = 'PhotoError';
  error.code = code;
  return error;
}

function sleep(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

const FAILURE_CODES = new Set(['no_camera', 'capture_failed']);

/**
 * The agent's photo request, answered: take the still from `track`, send it with `upload(blob)`.
 * Resolves to `{ ok: true, result }` or `{ ok: false, reason }` with the reason code the server words.
 */
export async function answerPhotoRequest(track, upload) {
  let blob;
  try {
    blob = await takePhoto(track);
  } catch (error) {
    return { ok: false, reason: FAILURE_CODES.has(error.code) ? error.code : 'capture_failed' };
  }
  try {
    return { ok: true, result: await upload(blob) };
  } catch (error) {
    return { ok: false, reason: 'upload_failed', error };
  }
}
