// The chat log's look (bubbles, system lines, photos), one source for the agent desktop and the widget.
// It uses the page's tokens (--sd-*); the widget puts it into its shadow root's stylesheet, the agent
// desktop adopts it into its document (never into a site's document: its .msg is not ours).

export const CHAT_LOG_CSS = `
.chat-log {
  list-style: none; margin: 0; padding: 16px;
  display: flex; flex-direction: column; gap: 8px;
  overflow-y: auto; overscroll-behavior: contain;
}
.msg { display: flex; flex-direction: column; max-width: 82%; }
.msg__meta { font-size: 11.5px; color: var(--sd-text-faint); margin: 0 4px 2px; }
.msg__text {
  margin: 0; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap;
  overflow-wrap: anywhere; font-size: 14.5px; line-height: 1.45;
}
.msg--theirs { align-self: flex-start; }
.msg--theirs .msg__text { background: var(--sd-surface-2); color: var(--sd-text); border-bottom-left-radius: 4px; }
.msg--mine { align-self: flex-end; align-items: flex-end; }
.msg--mine .msg__text { background: var(--sd-accent); color: var(--sd-on-accent); border-bottom-right-radius: 4px; }
.msg--pending .msg__text { opacity: .6; }
.msg--failed .msg__text { background: var(--sd-danger-soft); color: var(--sd-danger); }
.msg--system, .msg--notice { align-self: center; max-width: 92%; text-align: center; }
.msg--system .msg__text, .msg--notice .msg__text {
  padding: 2px 8px; background: transparent; color: var(--sd-text-muted); font-size: 12.5px; font-style: italic;
}
.msg--system .msg__meta { display: none; }
.msg__photo { margin: 4px 0 0; display: flex; flex-direction: column; gap: 4px; max-width: 100%; }
.msg__photo img {
  display: block; max-width: min(100%, 360px); height: auto; border-radius: 10px;
  background: var(--sd-surface-2); cursor: zoom-in;
}
.msg__photo figcaption { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; font-size: 12px; }
.msg--mine .msg__photo { align-items: flex-end; }
.msg__photo--missing img { min-height: 48px; width: 160px; }
.msg__seen { align-self: flex-end; margin: -4px 4px 0; font-size: 11.5px; color: var(--sd-text-muted); }
`;

const adopted = new WeakSet();

/** The chat log's rules in `root` (a document or a shadow root), once. */
export function adoptChatLogStyles(root) {
  if (adopted.has(root) || !('adoptedStyleSheets' in root)) return;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CHAT_LOG_CSS);
  root.adoptedStyleSheets = [sheet, ...root.adoptedStyleSheets]; // first: the page's own rules come after
  adopted.add(root);
}
