// Error codes in words people understand; the server's own message is kept as the detail.

const WORDS = {
  origin_not_allowed: 'This website is not allowed to start a chat with us.',
  deployment_not_found: 'This chat is not set up correctly.',
  connection_failed: 'We cannot reach the chat service right now. Please try again in a moment.',
  network_error: 'The ShowDesk server cannot be reached. Check your connection.',
  not_authenticated: 'Your session has expired. Please sign in again.',
  invalid_token: 'Your session has expired. Please sign in again.',
  token_expired: 'Your session has expired. Please sign in again.',
  invalid_credentials: 'Wrong email or password.',
  forbidden: 'You are not allowed to do that.',
  permission_denied: 'You do not have permission to do that.',
  session_replaced: 'This chat continued in another window or tab.',
  message_too_long: 'That message is too long.',
  empty_message: 'Type a message first.',
  chat_not_active: 'There is no open chat to send to.',
  chat_ended: 'This chat has ended.',
  display_name_required: 'Please enter your name.',
  offer_expired: 'That chat offer has expired.',
  offer_not_found: 'That chat offer is no longer available.',
  not_found: 'That item no longer exists.',
  video_not_allowed: 'Video is not available yet.',
};

/** `{title, detail}` for a banner: words for the code, plus the server's message when it adds something. */
export function describeError(error) {
  const code = error?.code ?? null;
  const message = typeof error === 'string' ? error : error?.message ?? '';
  const title = (code && WORDS[code]) || message || 'Something went wrong.';
  const detailParts = [];
  if (message && message !== title) detailParts.push(message);
  if (code) detailParts.push(`(${code})`);
  return { title, detail: detailParts.join(' ') };
}
