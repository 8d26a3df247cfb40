// The widget's look, inside its shadow root: its own tokens (light and dark), the few shared components it
// uses (buttons, fields, banner, chat bubbles) and its layouts: a floating panel, the phone's full screen
// with the live viewfinder and the chat as a sheet over it, and a full-screen page (data-layout).
// The host resets what a site's CSS could pass down (inherited properties, display) with !important, which
// inside a shadow tree wins over the page's own !important rules.

import { CHAT_LOG_CSS } from '../../static/chat-log-styles.js';

const CSS = `
:host {
  all: initial !important;
  display: block !important;
  position: static !important;
  visibility: visible !important;
  opacity: 1 !important;
  contain: none !important;
}

.sdw {
  --sd-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --sd-bg: #f5f6f8;
  --sd-surface: #ffffff;
  --sd-surface-2: #f0f2f5;
  --sd-border: #dfe3e8;
  --sd-border-strong: #c5ccd5;
  --sd-text: #1b2029;
  --sd-text-muted: #545d6b;
  --sd-text-faint: #6b7482;
  --sd-accent: var(--sdw-color, #4f46e5);
  --sd-accent-strong: color-mix(in srgb, var(--sd-accent) 82%, #000);
  --sd-on-accent: #ffffff;
  --sd-warning: #8a4e05;
  --sd-warning-soft: #fff4e0;
  --sd-danger: #b3232a;
  --sd-danger-soft: #fdecec;
  --sd-danger-border: #f3c1c3;
  --sd-radius-sm: 6px;
  --sd-radius-lg: 16px;
  --sd-shadow-lg: 0 18px 48px rgb(16 24 40 / 18%), 0 4px 12px rgb(16 24 40 / 8%);
  --sd-focus: 0 0 0 3px color-mix(in srgb, var(--sd-accent) 40%, transparent);
  --sdw-width: 380px;
  --sdw-touch: 44px;
  font: 15px/1.5 var(--sd-font);
  color: var(--sd-text);
  text-align: start;
  letter-spacing: normal;
  -webkit-text-size-adjust: 100%;
}
@media (prefers-color-scheme: dark) {
  .sdw {
    color-scheme: dark;
    --sd-bg: #0f1115;
    --sd-surface: #181b21;
    --sd-surface-2: #242831;
    --sd-border: #323844;
    --sd-border-strong: #48505e;
    --sd-text: #e8ebf0;
    --sd-text-muted: #b3bac6;
    --sd-text-faint: #9aa3b0;
    --sd-warning: #ffcf85;
    --sd-warning-soft: #3a2a10;
    --sd-danger: #ff9ea2;
    --sd-danger-soft: #3b1719;
    --sd-danger-border: #6b2a2e;
    --sd-shadow-lg: 0 18px 48px rgb(0 0 0 / 55%), 0 4px 12px rgb(0 0 0 / 35%);
  }
}

*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
h2, h3, p { margin: 0; }
h2, h3 { line-height: 1.2; }
:focus-visible { outline: none; box-shadow: var(--sd-focus); }
a { color: var(--sd-accent); }
@media (prefers-color-scheme: dark) { a { color: color-mix(in srgb, var(--sd-accent) 45%, #fff); } }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}

.btn {
  display: inline-flex; align-items: center; justify-content: center; gap: 8px;
  min-height: 38px; padding: 0 16px; margin: 0;
  font: inherit; font-weight: 600; font-size: 14px; line-height: 1;
  border: 1px solid transparent; border-radius: var(--sd-radius-sm);
  cursor: pointer; text-decoration: none; white-space: nowrap; color: inherit; background: none;
  transition: background-color .15s, border-color .15s, color .15s, box-shadow .15s;
}
.btn:disabled { cursor: not-allowed; opacity: .55; }
.btn-primary { background: var(--sd-accent); color: var(--sd-on-accent); }
.btn-primary:hover:not(:disabled) { background: var(--sd-accent-strong); }
.btn-secondary { background: var(--sd-surface); color: var(--sd-text); border-color: var(--sd-border-strong); }
.btn-secondary:hover:not(:disabled) { background: var(--sd-surface-2); }
.btn-ghost { background: transparent; color: var(--sd-text-muted); }
.btn-ghost:hover:not(:disabled) { background: var(--sd-surface-2); color: var(--sd-text); }
.btn-danger { background: var(--sd-danger-soft); color: var(--sd-danger); border-color: var(--sd-danger-border); }
.btn-sm { min-height: 32px; padding: 0 12px; font-size: 13px; }
.btn-block { width: 100%; }

.field { display: grid; gap: 4px; margin-bottom: 16px; }
.field > label { font-size: 13px; font-weight: 600; color: var(--sd-text-muted); }
.input, .textarea {
  width: 100%; min-height: 40px; padding: 8px 12px; margin: 0;
  font: inherit; color: var(--sd-text); background: var(--sd-surface);
  border: 1px solid var(--sd-border-strong); border-radius: var(--sd-radius-sm);
}
.input:focus, .textarea:focus { outline: none; border-color: var(--sd-accent); box-shadow: var(--sd-focus); }
.input:disabled, .textarea:disabled { background: var(--sd-surface-2); color: var(--sd-text-faint); }
.textarea { resize: none; line-height: 1.4; }

.banner {
  display: flex; align-items: flex-start; gap: 12px; padding: 12px 16px;
  border-radius: var(--sd-radius-sm); font-size: 14px; border: 1px solid;
}
.banner-error { background: var(--sd-danger-soft); border-color: var(--sd-danger-border); color: var(--sd-danger); }
.banner__text { flex: 1; }
.banner__text strong { display: block; }
.banner__detail { display: block; font-size: 12.5px; opacity: .9; margin-top: 2px; word-break: break-word; }
.banner__close {
  flex: none; width: 28px; height: 28px; border: 0; border-radius: 4px; padding: 0;
  background: transparent; color: inherit; cursor: pointer; position: relative;
}
.banner__close::before, .banner__close::after {
  content: ""; position: absolute; left: 7px; right: 7px; top: 13px; height: 2px;
  background: currentColor; border-radius: 1px;
}
.banner__close::before { transform: rotate(45deg); }
.banner__close::after { transform: rotate(-45deg); }

${CHAT_LOG_CSS}
/* In the widget a photo in the chat is at most 220 px high: the video and the chat share a small panel. */
.msg__photo img { max-height: 220px; width: auto; object-fit: contain; cursor: auto; }

/* The launcher and the floating panel */
.sdw-launcher {
  position: fixed; right: 24px; bottom: 24px; z-index: 2147483000;
  display: inline-flex; align-items: center; gap: 10px;
  height: 56px; padding: 0 22px 0 18px; margin: 0; border: 0; border-radius: 28px;
  background: var(--sd-accent); color: var(--sd-on-accent);
  font: 600 15px/1 var(--sd-font); cursor: pointer; box-shadow: var(--sd-shadow-lg);
  transition: transform .15s, background-color .15s;
}
.sdw[data-position="left"] .sdw-launcher { right: auto; left: 24px; }
.sdw-launcher:hover { background: var(--sd-accent-strong); transform: translateY(-1px); }
.sdw-launcher svg { width: 24px; height: 24px; flex: none; }
.sdw-launcher[aria-expanded="true"] { background: var(--sd-accent-strong); }
.sdw-launcher[data-unread]::after {
  content: ""; position: absolute; top: 4px; right: 6px; width: 12px; height: 12px;
  border-radius: 50%; background: #e5484d; border: 2px solid #fff;
}

.sdw-panel {
  position: fixed; right: 24px; bottom: 92px; z-index: 2147483000;
  width: var(--sdw-width); height: min(640px, calc(100vh - 120px)); height: min(640px, calc(100dvh - 120px));
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--sd-surface); border-radius: var(--sd-radius-lg);
  box-shadow: var(--sd-shadow-lg); border: 1px solid var(--sd-border);
  animation: sdw-in .18s ease-out;
}
.sdw[data-position="left"] .sdw-panel { right: auto; left: 24px; }
.sdw[data-viewfinder] .sdw-panel { height: min(760px, calc(100dvh - 120px)); }
@keyframes sdw-in { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }

.sdw-header {
  flex: none; display: flex; align-items: center; gap: 12px;
  padding: 12px 8px 12px 16px; background: var(--sd-accent); color: var(--sd-on-accent);
}
.sdw-header__avatar {
  flex: none; width: 38px; height: 38px; border-radius: 50%; background: #fff; color: var(--sd-accent);
  display: grid; place-items: center; overflow: hidden;
}
.sdw-header__avatar svg { width: 22px; height: 22px; }
.sdw-header__avatar img { width: 100%; height: 100%; object-fit: contain; }
.sdw-header__text { flex: 1; min-width: 0; }
.sdw-header h2 { font-size: 16px; }
.sdw-status { font-size: 12.5px; }
.sdw-status[data-tone="warning"] { font-weight: 600; }
.sdw-icon-btn {
  flex: none; width: var(--sdw-touch); height: var(--sdw-touch); border: 0; border-radius: 8px; background: transparent;
  color: inherit; cursor: pointer; display: grid; place-items: center; padding: 0;
}
.sdw-icon-btn:hover { background: rgb(255 255 255 / 14%); }
.sdw-icon-btn svg { width: 22px; height: 22px; }

.sdw-connection {
  flex: none; padding: 6px 16px; font-size: 12.5px; font-weight: 600; text-align: center;
  background: var(--sd-warning-soft); color: var(--sd-warning);
}
.sdw-banner { flex: none; margin: 12px 12px 0; }

.sdw-start { padding: 24px 16px; overflow-y: auto; }
.sdw-start__hello {
  background: var(--sd-surface-2); border-radius: 14px 14px 14px 4px; padding: 12px 14px; margin-bottom: 24px;
}
.sdw-fineprint { margin-top: 12px; font-size: 12px; color: var(--sd-text-muted); text-align: center; }

.sdw-conversation { position: relative; flex: 1; min-height: 0; display: flex; flex-direction: column; }
.sdw-sheet { flex: 1; min-height: 0; display: flex; flex-direction: column; background: var(--sd-surface); }
.sdw-sheet__handle { display: none; }
.sdw-logwrap { position: relative; flex: 1; min-height: 0; display: flex; flex-direction: column; }
.sdw-log { flex: 1; min-height: 0; }
.sdw-log:focus-visible { outline: 2px solid var(--sd-accent); outline-offset: -2px; }
.sdw-typing { flex: none; margin: 0; padding: 2px 16px 4px; font-size: 12.5px; font-style: italic; color: var(--sd-text-muted); }
.sdw-new-message {
  position: absolute; left: 50%; bottom: 10px; transform: translateX(-50%);
  display: inline-flex; align-items: center; gap: 6px; min-height: var(--sdw-touch); padding: 0 16px;
  border: 0; border-radius: 22px; background: var(--sd-accent); color: var(--sd-on-accent);
  font: 600 13.5px/1 var(--sd-font); cursor: pointer; box-shadow: var(--sd-shadow-lg);
}
.sdw-new-message svg { width: 18px; height: 18px; }

.sdw-video {
  flex: none; display: flex; flex-direction: column; gap: 8px; padding: 8px 16px;
  border-bottom: 1px solid var(--sd-border); background: var(--sd-surface);
}
.sdw-video__prompt { font-size: 14px; }
.sdw-video__media { position: relative; display: flex; justify-content: center; background: #000; border-radius: 8px; overflow: hidden; }
.sdw-video__self { display: block; width: 100%; max-height: min(240px, 30vh); background: #000; object-fit: contain; }
.sdw-video__agent {
  position: absolute; right: 8px; top: 8px; width: 30%; max-height: 40%; border-radius: 6px;
  background: #111; object-fit: cover; box-shadow: 0 2px 8px rgb(0 0 0 / 40%);
}
.sdw-video__bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.sdw-video__status { flex: 1 1 160px; font-size: 13px; color: var(--sd-text-muted); }

.sdw-handoff {
  flex: none; display: grid; justify-items: center; gap: 8px; padding: 12px 16px;
  border-top: 1px solid var(--sd-border); text-align: center;
}
.sdw-handoff h3 { font-size: 15px; }
.sdw-handoff__text { font-size: 13.5px; color: var(--sd-text-muted); }
.sdw-handoff__done { color: var(--sd-text); font-weight: 600; }
.sdw-handoff__qr { width: 176px; height: 176px; background: #fff; padding: 8px; border-radius: 8px; image-rendering: pixelated; }
.sdw-handoff__link { font-size: 13px; word-break: break-all; }

.sdw-composer { flex: none; display: flex; align-items: flex-end; gap: 8px; padding: 12px; border-top: 1px solid var(--sd-border); }
.sdw-input { min-height: var(--sdw-touch); max-height: 120px; border-radius: 22px; padding: 11px 16px; }
.sdw-send { flex: none; width: var(--sdw-touch); min-height: var(--sdw-touch); padding: 0; border-radius: 50%; }
.sdw-send svg { width: 20px; height: 20px; }
.sdw-attach { flex: none; width: var(--sdw-touch); min-height: var(--sdw-touch); padding: 0; border-radius: 50%; }
.sdw-attach svg { width: 20px; height: 20px; }
.sdw-actions { flex: none; display: flex; flex-wrap: wrap; justify-content: center; gap: 8px; padding: 0 12px 8px; }
.sdw-transcript { display: flex; align-items: center; gap: 4px; }
.sdw-transcript__format { width: auto; min-height: 32px; padding: 2px 8px; font-size: 13px; }

/* A page of its own (the phone's hand-off page): the panel is the page. */
.sdw[data-layout="fullscreen"] .sdw-panel {
  inset: 0; width: auto; height: auto; border: 0; border-radius: 0; box-shadow: none; animation: none;
}

/* Small screens: the open widget is the whole screen; controls are thumb-sized. */
@media (max-width: 600px), (max-height: 500px) {
  .sdw-launcher { right: 16px; bottom: 16px; width: 56px; padding: 0; justify-content: center; }
  .sdw[data-position="left"] .sdw-launcher { left: 16px; }
  .sdw-launcher span { display: none; }
  .sdw[data-open] .sdw-launcher { display: none; }
  .sdw .sdw-panel, .sdw[data-viewfinder] .sdw-panel {
    inset: 0; width: auto; height: auto; border: 0; border-radius: 0; box-shadow: none; animation: none;
    padding: env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left);
  }
  .sdw-header { padding-top: 6px; padding-bottom: 6px; }
  .btn, .btn-sm { min-height: var(--sdw-touch); min-width: var(--sdw-touch); font-size: 15px; }
  .banner__close { width: var(--sdw-touch); height: var(--sdw-touch); }
  .banner__close::before, .banner__close::after { left: 13px; right: 13px; top: 21px; }
  .sdw-input { font-size: 16px; } /* 16px keeps iOS from zooming into the field */

  /* Live video: the viewfinder fills the screen, the chat is a sheet over its lower part. */
  .sdw[data-viewfinder] .sdw-conversation { background: #000; }
  .sdw[data-viewfinder] .sdw-video {
    position: absolute; inset: 0; padding: 0; border: 0; background: #000; color: #fff;
  }
  .sdw[data-viewfinder] .sdw-video__media { position: absolute; inset: 0 0 36% 0; border-radius: 0; } /* above the sheet */
  .sdw[data-viewfinder] .sdw-video__self { width: 100%; height: 100%; max-height: none; }
  .sdw[data-viewfinder] .sdw-video__agent { top: 64px; width: 28%; }
  .sdw[data-viewfinder] .sdw-video__bar {
    position: absolute; top: 0; left: 0; right: 0; z-index: 2; padding: 8px 12px;
    background: linear-gradient(rgb(0 0 0 / 65%), rgb(0 0 0 / 0%));
  }
  .sdw[data-viewfinder] .sdw-video__status { color: #fff; text-shadow: 0 1px 2px rgb(0 0 0 / 70%); }
  .sdw[data-viewfinder] .sdw-sheet {
    position: absolute; left: 0; right: 0; bottom: 0; z-index: 3; flex: none; height: 36%;
    border-radius: 16px 16px 0 0; background: color-mix(in srgb, var(--sd-surface) 88%, transparent);
    backdrop-filter: blur(8px); box-shadow: 0 -6px 24px rgb(0 0 0 / 35%);
    transition: height .2s ease-out;
  }
  .sdw[data-viewfinder][data-sheet] .sdw-sheet { height: 78%; }
  .sdw[data-viewfinder] .sdw-sheet__handle {
    display: block; flex: none; width: 100%; height: var(--sdw-touch); border: 0; margin: 0; padding: 0;
    background: transparent; cursor: grab; position: relative; touch-action: none;
  }
  .sdw[data-viewfinder] .sdw-sheet__handle::before {
    content: ""; position: absolute; left: 50%; top: 50%; width: 44px; height: 5px; margin: -2px 0 0 -22px;
    border-radius: 3px; background: var(--sd-border-strong);
  }
  .sdw[data-viewfinder] .sdw-log { padding-top: 0; }
  .sdw[data-viewfinder] .sdw-actions .btn { min-height: var(--sdw-touch); }
}

/* A phone on its side: the viewfinder on the left, the chat beside it. */
@media (max-height: 500px) and (orientation: landscape) {
  .sdw[data-viewfinder] .sdw-video { right: 42%; }
  .sdw[data-viewfinder] .sdw-video__media { inset: 0; }
  .sdw[data-viewfinder] .sdw-sheet,
  .sdw[data-viewfinder][data-sheet] .sdw-sheet {
    left: auto; top: 0; width: 42%; height: auto; border-radius: 0; box-shadow: none;
    background: var(--sd-surface); backdrop-filter: none;
  }
  .sdw[data-viewfinder] .sdw-sheet__handle { display: none; }
  .sdw[data-viewfinder] .sdw-header { display: none; }
}

@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { transition: none !important; animation: none !important; }
}
`;

/** The widget's styles in its shadow root (a constructed stylesheet; a <style> where there is none). */
export function adoptStyles(shadow, { color = null } = {}) {
  const rules = color ? `${CSS}\n.sdw { --sdw-color: ${color}; }\n` : CSS;
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function') {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(rules);
      shadow.adoptedStyleSheets = [sheet];
      return;
    } catch {
      // fall through to a <style>
    }
  }
  const style = document.createElement('style');
  style.textContent = rules;
  shadow.append(style);
}
