// What the customer's device does when the agent asks for the other camera, the torch or a zoom: what
// the camera supports (`getCapabilities`), nothing more. Returns what happened, with a reason code when it could not (the server words it).

const ZOOM_STEPS = 5; // a request moves a fifth of the camera's zoom range

/**
 * `track` is the video track being sent. Resolves to `{ ok, reason, track }`; `track` is a new one after a
 * camera switch (the caller puts it on the sender and stops the old one).
 */
export async function applyCameraRequest(track, action, value) {
  if (!track || track.readyState !== 'live') return { ok: false, reason: 'no_camera' };
  const capabilities = typeof track.getCapabilities === 'function' ? track.getCapabilities() : {};
  if (action === 'torch') {
    if (!capabilities.torch) return { ok: false, reason: 'no_torch' };
    await track.applyConstraints({ advanced: [{ torch: Boolean(value) }] });
    return { ok: true };
  }
  if (action === 'zoom') {
    const range = capabilities.zoom;
    if (!range || typeof range.max !== 'number' || range.max <= range.min) {
      return { ok: false, reason: 'no_zoom' };
    }
    const current = track.getSettings().zoom ?? range.min;
    const step = (range.max - range.min) / ZOOM_STEPS;
    const wanted = Math.min(range.max, Math.max(range.min, current + (value === 'in' ? step : -step)));
    if (wanted === current) return { ok: false, reason: 'zoom_limit' };
    await track.applyConstraints({ advanced: [{ zoom: wanted }] });
    return { ok: true };
  }
  if (action === 'switch') return switchCamera(track, capabilities);
  return { ok: false, reason: 'failed' };
}

/** The other camera: the opposite facing mode where the device says which way it faces, else the next one. */
async function switchCamera(track, capabilities) {
  const settings = track.getSettings();
  let video;
  if (settings.facingMode && (capabilities.facingMode ?? []).length) {
    video = { facingMode: { exact: settings.facingMode === 'user' ? 'environment' : 'user' } };
  } else {
    const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    const other = cameras.find((d) => d.deviceId && d.deviceId !== settings.deviceId);
    if (!other) return { ok: false, reason: 'one_camera' };
    video = { deviceId: { exact: other.deviceId } };
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
    return { ok: true, track: stream.getVideoTracks()[0] };
  } catch (error) {
    return { ok: false, reason: 'camera_unavailable' };
  }
}
