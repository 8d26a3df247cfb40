// Links in chat messages: the http and https addresses in a text, for the chat logs to make clickable.
// Everything else stays text (a `javascript:` or `data:` address is never a link), and a link opens in a
// new tab with `rel="noopener noreferrer"`, so the page it opens can neither reach back nor learn where
// it was clicked.

const CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?*_~]+$/; // sentence punctuation after an address belongs to the sentence

/** `text` cut into pieces, in order: `{ text }` for plain text, `{ text, href }` for an address. */
export function linkPieces(text) {
  const source = String(text ?? '');
  const pieces = [];
  let last = 0;
  for (const match of source.matchAll(CANDIDATE)) {
    const address = trimmed(match[0]);
    const href = safeHref(address);
    if (!href) continue;
    if (match.index > last) pieces.push({ text: source.slice(last, match.index) });
    pieces.push({ text: address, href });
    last = match.index + address.length;
  }
  if (last < source.length || pieces.length === 0) pieces.push({ text: source.slice(last) });
  return pieces;
}

/** Fill `element` with `text`, its addresses as links (all text through textContent). */
export function appendLinked(element, text) {
  for (const piece of linkPieces(text)) {
    if (!piece.href) {
      element.append(document.createTextNode(piece.text));
      continue;
    }
    const link = document.createElement('a');
    link.href = piece.href;
    link.textContent = piece.text;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    element.append(link);
  }
}

function trimmed(address) {
  let found = address.replace(TRAILING, '');
  // A closing bracket is the address's own only when it opened one: "(see https://x.test/a)".
  for (const [open, close] of [['(', ')'], ['[', ']']]) {
    while (found.endsWith(close) && count(found, close) > count(found, open)) {
      found = found.slice(0, -1).replace(TRAILING, '');
    }
  }
  return found;
}

function count(text, char) {
  return text.split(char).length - 1;
}

function safeHref(address) {
  try {
    const url = new URL(address);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
