// Building DOM and SVG without markup strings: text goes in through textContent only.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** el('td', {class: 'num', testid: 'video-fps', dataset: {value: '24'}}, '24 fps') */
export function el(tag, props = {}, ...children) {
  return fill(document.createElement(tag), props, children);
}

/** svg('rect', {x: 1, y: 2, width: 3, height: 4}, svg('title', {text: 'why'})) */
export function svg(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(node, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'testid') node.dataset.testid = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}
