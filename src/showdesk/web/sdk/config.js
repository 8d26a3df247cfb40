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
