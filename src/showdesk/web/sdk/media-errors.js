// Camera errors in the names and codes of the SDK contract, with words that tell a person what to do.

import { ChatError } from './errors.js';

// Older browsers used other names for the same failures; the contract speaks the standard ones.
const STANDARD_NAME = {
  PermissionDeniedError: 'NotAllowedError',
  SecurityError: 'NotAllowedError',
  DevicesNotFoundError: 'NotFoundError',
  TrackStartError: 'NotReadableError',
  AbortError: 'NotReadableError',
  ConstraintNotSatisfiedError: 'OverconstrainedError',
};

const CODE_FOR_NAME = {
  NotAllowedError: 'camera_denied',
  NotFoundError: 'camera_missing',
  NotReadableError: 'camera_busy',
  OverconstrainedError: 'constraints_unsatisfiable',
};

export const CAMERA_WORDS = {
  camera_denied: 'The camera is blocked for this site. To share it, allow the camera: tap the camera '
    + 'or lock icon next to the address, choose Allow, then press Start video again.',
  camera_missing: 'No camera was found on this device. You can keep chatting, or join from a phone.',
  camera_busy: 'The camera is in use by another app. Close that app (or its tab) and try again.',
  constraints_unsatisfiable: 'This camera cannot give the picture we asked for. Try again with another camera.',
};

/** A getUserMedia failure as a ChatError: `name` the browser's (standard) name, `code` ours. */
export function cameraError(error) {
  const raw = error?.name || 'NotReadableError';
  const name = STANDARD_NAME[raw] ?? raw;
  const code = CODE_FOR_NAME[name] ?? 'camera_busy';
  const mapped = new ChatError(code, CAMERA_WORDS[code], { name });
  mapped.cause = error;
  return mapped;
}

/** The server (or the SDK) refused video: `VideoUnavailableError` with the server's code and words. */
export function videoRefusal(code, message) {
  return new ChatError(code, message || 'Video is not available.', { name: 'VideoUnavailableError' });
}
