// Chat configuration and client ids.

/** Validate `createChat` options; the server defaults to the origin this SDK was loaded from. */
export function normalizeConfig(config = {}) {
  const { organizationId, deploymentId } = config;
  if (!organizationId || !deploymentId) {
    throw new TypeError('createChat needs organizationId and deploymentId');
  }
  const serverUrl = String(config.serverUrl || sdkOrigin()).replace(/\/+$/, '');
  // More nodes of the same ShowDesk, tried in turn when the one in use cannot be reached.
  const others = (config.serverUrls ?? []).map((u) => String(u).replace(/\/+$/, '')).filter(Boolean);
  return Object.freeze({
    organizationId: String(organizationId),
    deploymentId: String(deploymentId),
    serverUrl,
    serverUrls: Object.freeze([...new Set([serverUrl, ...others])]),
    turnServers: Object.freeze([...(config.turnServers ?? [])]),
    iceTransportPolicy: config.iceTransportPolicy === 'relay' ? 'relay' : 'all',
  });
}

// What the server keeps of the page a chat starts on (docs/security.md): longer is cut here, not refused there.
export const MAX_PAGE_URL_CHARS = 2000;
export const MAX_PAGE_TITLE_CHARS = 200;

/**
 * `createChat`'s customer block ({ name, email, id }), `attributes` ({ key: text }) and `customerSignature`
 * (the site server's hex HMAC-SHA256 of the block), as the start frame carries them. The server checks
 * their limits and refuses the start in words; a block without a valid signature is kept as unverified.
 */
export function customerOptions(config = {}) {
  const { customer = null, attributes = null, customerSignature = null } = config;
  for (const [name, value] of [['customer', customer], ['attributes', attributes]]) {
    if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw new TypeError(`createChat's ${name} must be an object`);
    }
  }
  const block = customer ? Object.fromEntries(['name', 'email', 'id']
    .filter((key) => customer[key] !== undefined && customer[key] !== null)
    .map((key) => [key, String(customer[key])])) : null;
  return Object.freeze({
    customer: block,
    attributes: attributes ? { ...attributes } : null,
    customerSignature: customerSignature ? String(customerSignature) : null,
  });
}

/** The page the chat starts on: its address and title, cut to what the server keeps. */
export function startPage() {
  const url = String(globalThis.location?.href ?? '').slice(0, MAX_PAGE_URL_CHARS);
  const title = String(globalThis.document?.title ?? '').slice(0, MAX_PAGE_TITLE_CHARS);
  return url || title ? { url: url || null, title: title || null } : null;
}

export function cleanDisplayName(name) {
  return typeof name === 'string' ? name.trim().slice(0, 100) : '';
}

/** A fresh message client id; the same id is resent until the server acknowledges it. */
export function newClientId() {
  if (typeof globalThis.crypto?.randomUUID === 'function') return `c_${crypto.randomUUID()}`;
  // randomUUID needs a secure context; plain-http intranet installs still have getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `c_${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function sdkOrigin() {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return globalThis.location?.origin ?? '';
  }
}
