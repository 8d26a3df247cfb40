// Laptop to phone: the chat's one-time hand-off link (POST /api/v2/webchat/handoffs) and its redemption
// on the other device (POST .../handoffs/<code>/redeem), and what kind of device this browser is.

import { ChatError } from './errors.js';
import { errorWords } from './words.js';

const HANDOFFS_PATH = '/api/v2/webchat/handoffs';

/** 'phone' | 'tablet' | 'computer', from the browser's own hints (User-Agent Client Hints, else the UA). */
export function deviceKind(nav = globalThis.navigator) {
  const ua = String(nav?.userAgent ?? '');
  if (/iPad|Tablet|PlayBook|Silk/i.test(ua) || (/Android/i.test(ua) && !/Mobile/i.test(ua))) return 'tablet';
  // iPadOS asks for the desktop site: a Mac that can be touched is an iPad.
  if (/Macintosh/i.test(ua) && Number(nav?.maxTouchPoints) > 1) return 'tablet';
  const mobile = nav?.userAgentData?.mobile;
  if (mobile === true) return 'phone';
  if (mobile === false) return 'computer';
  return /Mobi|iPhone|iPod|Android.*Mobile|Windows Phone/i.test(ua) ? 'phone' : 'computer';
}

/** The device id a hand-off's guest token carries (its `dev` claim), or null for the chat's first device. */
export function deviceIdOf(token) {
  try {
    const part = String(token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(globalThis.atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
    return typeof claims.dev === 'string' && claims.dev ? claims.dev : null;
  } catch {
    return null;
  }
}

async function post(url, { token = null, body = null } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body ?? {}) });
  } catch {
    throw new ChatError('network_error', errorWords('network_error'));
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    // The customer's own language where the catalogue has the words (a used or expired link), else the server's.
    const code = answer?.code ?? 'handoff_failed';
    const words = errorWords(code === 'rate_limited' ? 'handoff_rate_limited' : code); // not "messages" here
    throw new ChatError(code, words ?? answer?.message
      ?? 'The link for your other device could not be made. Please try again.');
  }
  return answer;
}

/** A new one-time link for the chat the token names: `{ url, expiresAt, qrSvg }`. */
export async function createHandoff({ server, token }) {
  const made = await post(new URL(HANDOFFS_PATH, server).toString(), { token });
  return { url: made.url, expiresAt: made.expiresAt, qrSvg: made.qrSvg };
}

/** Redeems a code on this device: the chat's token of this device's own, its conversation, ... */
export function redeemHandoff({ server, code, device = deviceKind() }) {
  if (typeof code !== 'string' || !code.trim()) {
    return Promise.reject(new ChatError('handoff_not_found', errorWords('handoff_not_found')));
  }
  const url = new URL(`${HANDOFFS_PATH}/${encodeURIComponent(code.trim())}/redeem`, server).toString();
  return post(url, { body: { device } });
}
