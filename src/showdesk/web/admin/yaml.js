// Writes a flow definition (plain JSON data from the server) back as readable YAML for the editor.
// Only what JSON can hold; strings that YAML could read as something else are double-quoted, and a
// double-quoted JSON string is also a valid YAML string.

const RESERVED = /^(?:true|false|yes|no|on|off|null|y|n|~)$/i;
const NUMBER_LIKE = /^[-+.]?\d|^\.(?:inf|nan)$/i;
const PLAIN = /^[A-Za-z_][\w .\/-]*$/;

function scalar(value) {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  const plain = PLAIN.test(text) && !text.endsWith(' ') && !RESERVED.test(text) && !NUMBER_LIKE.test(text);
  return plain ? text : JSON.stringify(text);
}

const isScalar = (v) => v === null || typeof v !== 'object';

export function toYaml(value, indent = 0) {
  const pad = ' '.repeat(indent);
  if (isScalar(value)) return `${pad}${scalar(value)}\n`;
  if (Array.isArray(value)) {
    if (!value.length) return `${pad}[]\n`;
    return value.map((item) => (isScalar(item)
      ? `${pad}- ${scalar(item)}\n`
      : `${pad}- ${JSON.stringify(item)}\n`)).join('');
  }
  const entries = Object.entries(value);
  if (!entries.length) return `${pad}{}\n`;
  return entries.map(([key, item]) => {
    const head = `${pad}${scalar(key)}:`;
    if (isScalar(item)) return `${head} ${scalar(item)}\n`;
    if (Array.isArray(item)) {
      if (item.every(isScalar)) return `${head} [${item.map(scalar).join(', ')}]\n`;
      return `${head}\n${toYaml(item, indent + 2)}`;
    }
    if (!Object.keys(item).length) return `${head} {}\n`;
    return `${head}\n${toYaml(item, indent + 2)}`;
  }).join('');
}
