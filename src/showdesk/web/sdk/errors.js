// Errors the SDK hands to callers: `code` is the server's (or the SDK's) machine-readable code,
// `message` the words to show, `ref` the frame or clientId the server was answering.

import { errorWords } from './words.js';

export class ChatError extends Error {
  constructor(code, message, { name = 'ChatError', ref = null, closeCode = null } = {}) {
    super(message || code);
    this.name = name;
    this.code = code;
    this.ref = ref;
    this.closeCode = closeCode;
  }

  static fromFrame(frame) {
    return new ChatError(frame.code || 'error', frame.message || frame.code || 'Unknown error', {
      ref: frame.ref ?? null,
    });
  }
}

/** Used when a socket closed with a protocol close code but no `error` frame explained why. */
export function errorForCloseCode(code, reason) {
  const known = {
    4401: 'not_authenticated',
    4403: 'forbidden',
    4409: 'session_replaced',
  }[code];
  const errorCode = known ?? 'connection_failed';
  return new ChatError(errorCode, reason || errorWords(errorCode), { closeCode: code });
}
