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
  video_not_allowed: 'Video is not available in this chat.',
  video_capacity: 'All video lines are busy right now. Please try again in a few minutes; the chat goes on.',
  no_agent_video: 'Video can start once an agent has joined the chat.',
  video_already_open: 'Video is already on.',
  camera_denied: 'The camera is blocked for this site. Allow the camera (the camera or lock icon next to '
    + 'the address, then Allow) and press the video button again.',
  camera_missing: 'No camera was found on this device. You can keep chatting, or join from a phone.',
  camera_busy: 'The camera is in use by another app. Close that app and try again.',
  constraints_unsatisfiable: 'This camera cannot give the picture we asked for. Try another camera.',
  ice_failed: 'The video connection could not get through the network. The chat goes on.',
  one_way_violation: 'This video is one-way: the agent may not send a picture.',
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
