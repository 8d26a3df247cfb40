// The customer's own transcript as a file (plain text or a web page), built in the browser from the SDK's
// transcript: exactly the messages this page was sent (the server sends the customer's socket nothing of
// the agent's own), worded in the widget's language, photos as links to their address on the server (they
// open for the chat's own people only). The web page escapes every text and allows no script, no request
// and only its own style (TRANSCRIPT_CSP).

export const TRANSCRIPT_CSS = 'body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;'
  + 'color:#1f2330}ol{list-style:none;padding:0}li{margin:0 0 .9rem}.meta{margin:0;color:#4a5060;font-size:13px}'
  + '.text{margin:0;white-space:pre-wrap}.system{color:#4a5060;font-style:italic}';
// sha256 of TRANSCRIPT_CSS, base64 (tests/js/transcript-file.test.mjs checks it): the page's only style.
export const TRANSCRIPT_CSS_HASH = 'sha256-ppDoKij/zkZe/tCztoCVBSaTrGOO7xEp5J2sSbgann8=';
export const TRANSCRIPT_CSP = `default-src 'none'; style-src '${TRANSCRIPT_CSS_HASH}'; base-uri 'none'; form-action 'none'`;

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * @param {readonly object[]} messages the SDK's transcript (`chat.messages`), in seq order
 * @param {{format: 'text'|'html', t: Function, server: string, customerName?: string,
 *   systemText?: (message) => string|null, now?: Date}} options
 * @returns {{name: string, type: string, content: string}}
 */
export function transcriptFile(messages, { format, t, server, customerName = '', systemText = null, now = new Date() }) {
  const when = new Intl.DateTimeFormat(t.locale, { dateStyle: 'short', timeStyle: 'short' });
  const lines = messages.filter((m) => ['customer', 'agent', 'system'].includes(m.from)).map((m) => ({
    from: m.from,
    who: m.from === 'system' ? '' : m.displayName || (m.from === 'customer' ? customerName : t('theAgent')),
    at: m.at ? when.format(new Date(m.at)) : '',
    iso: m.at ?? '',
    text: (m.from === 'system' && systemText?.(m)) || m.text || '',
    photo: m.photo?.url ? new URL(m.photo.url, server).href : null,
  }));
  // The page holds the latest messages only after a long absence (the server's resume window).
  const partial = messages.length > 0 && messages[0].seq > 1;
  const day = now.toISOString().slice(0, 10);
  if (format === 'html') {
    return { name: `chat-transcript-${day}.html`, type: 'text/html;charset=utf-8', content: html(lines, t, partial) };
  }
  return { name: `chat-transcript-${day}.txt`, type: 'text/plain;charset=utf-8', content: text(lines, t, partial) };
}

function text(lines, t, partial) {
  const out = [t('transcriptTitle'), ''];
  if (partial) out.push(t('transcriptPartial'), '');
  for (const line of lines) {
    const head = line.from === 'system' ? `[${line.at}]` : `[${line.at}] ${line.who}:`;
    const body = line.text.replace(/\r\n?/g, '\n').split('\n').join('\n    ');
    out.push(body ? `${head} ${body}` : head);
    if (line.photo) out.push(`    ${t('transcriptPhoto')}: ${line.photo}`);
  }
  return `${out.join('\n')}\n`;
}

function html(lines, t, partial) {
  const items = lines.map((line) => {
    const meta = line.from === 'system' ? '' : `<p class="meta"><strong>${escapeHtml(line.who)}</strong> `
      + `<time datetime="${escapeHtml(line.iso)}">${escapeHtml(line.at)}</time></p>`;
    const body = line.text ? `<p class="text">${escapeHtml(line.text)}</p>` : '';
    const photo = line.photo
      ? `<p><a href="${escapeHtml(line.photo)}" rel="noreferrer">${escapeHtml(t('transcriptPhoto'))}</a></p>` : '';
    return `<li class="${line.from}">${meta}${body}${photo}</li>`;
  });
  return ['<!doctype html>', `<html lang="${escapeHtml(t.locale)}">`, '<head>', '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${TRANSCRIPT_CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(t('transcriptTitle'))}</title>`, `<style>${TRANSCRIPT_CSS}</style>`, '</head>', '<body>',
    `<h1>${escapeHtml(t('transcriptTitle'))}</h1>`,
    partial ? `<p>${escapeHtml(t('transcriptPartial'))}</p>` : '',
    '<ol>', ...items, '</ol>', '</body>', '</html>', ''].join('\n');
}
