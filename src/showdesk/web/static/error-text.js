// Error codes in words people understand; the server's own message is kept as the detail.
// A customer's words are the catalogue's (sdk/words.js, English here); the staff pages' own codes follow.

import { CATALOGUE } from '/sdk/words.js';

const WORDS = {
  ...CATALOGUE.en.errors,
  network_error: 'The ShowDesk server cannot be reached. Check your connection.',
  not_authenticated: 'Your session has expired. Please sign in again.',
  invalid_token: 'Your session has expired. Please sign in again.',
  token_expired: 'Your session has expired. Please sign in again.',
  invalid_credentials: 'Wrong email or password.',
  forbidden: 'You are not allowed to do that.',
  permission_denied: 'You do not have permission to do that.',
  session_replaced: 'This chat continued in another window or tab.',
  offer_expired: 'That chat offer has expired.',
  offer_not_found: 'That chat offer is no longer available.',
  not_found: 'That item no longer exists.',
};

/**
 * `{title, detail}` for a banner: words for the code, plus the server's message when it adds something.
 * A customer's screen passes its own `words` (code -> sentence or null), `fallback`, and whether the
 * server's (English) message and the code may show (`details`: staff pages show both).
 */
export function describeError(error, { words = null, fallback = 'Something went wrong.', details = true,
                                       codes = details } = {}) {
  const code = error?.code ?? null;
  const message = typeof error === 'string' ? error : error?.message ?? '';
  const title = (code && (words ? words(code) : WORDS[code])) || message || fallback;
  const detailParts = [];
  if (details && message && message !== title) detailParts.push(message);
  if (codes && code) detailParts.push(`(${code})`);
  return { title, detail: detailParts.join(' ') };
}
