// Camera errors in the names and codes of the SDK contract, with words that tell a person what to do.

import { ChatError } from './errors.js';
import { errorWords } from './words.js';

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

/** The words for a camera failure, in the browser's language (sdk/words.js). */
export const CAMERA_WORDS = Object.freeze(Object.fromEntries(
  ['camera_denied', 'camera_missing', 'camera_busy', 'constraints_unsatisfiable'].map((code) => [code, errorWords(code)]),
));

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
  return new ChatError(code, message || errorWords('video_not_allowed'), { name: 'VideoUnavailableError' });
}
