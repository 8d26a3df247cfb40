// Building DOM and SVG without markup strings, for every staff page: every text goes in through textContent
// or a text node.

const PROPERTIES = new Set([
  'value', 'checked', 'disabled', 'hidden', 'readOnly', 'required', 'multiple', 'selected', 'type',
  'rows', 'min', 'max', 'step', 'placeholder', 'htmlFor', 'id', 'name', 'title', 'autocomplete',
  'spellcheck', 'colSpan', 'open',
]);

/**
 * el('button', {class: 'btn', testid: 'queue-save', onclick: fn}, 'Save')
 * `text` sets textContent, `testid` data-testid, `dataset` data-*, `on<event>` listeners,
 * known properties are set as properties, anything else as an attribute.
 */
export function el(tag, props = {}, ...children) {
  return fill(document.createElement(tag), props, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children, true);
}

function fill(node, props, children, attributesOnly = false) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.setAttribute('class', value);
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'testid') node.dataset.testid = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (!attributesOnly && PROPERTIES.has(key)) node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Replace a node's children, skipping null/false ones (optional parts of a view). */
export function setChildren(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** Tags for a list of names; a dash when there are none. */
export function tags(values, empty = '—') {
  const list = (values ?? []).filter((v) => v !== undefined && v !== null && v !== '');
  if (!list.length) return el('span', { class: 'muted', text: empty });
  return list.map((value) => el('span', { class: 'tag', text: String(value) }));
}

export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

let counter = 0;
export function uniqueId(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

export function debounce(fn, ms) {
  let timer = null;
  const run = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}

/** Copy text; falls back to selecting it so the person can press Ctrl+C. */
export async function copyText(text, fallbackField) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    fallbackField?.focus();
    fallbackField?.select();
    return false;
  }
}
