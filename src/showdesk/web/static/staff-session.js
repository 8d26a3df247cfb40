// Sign-in for staff pages (agent desktop, admin, supervisor) and the REST calls they make.
// The access token lives in sessionStorage: a reload stays signed in, closing the tab signs out.

const STORAGE_KEY = 'showdesk:staff-session';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code || `http_${status}`;
  }
}

/** @returns {{token: string, user: object, expiresAt: number|null}|null} */
export function loadStaffSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    if (!saved?.token) return null;
    if (saved.expiresAt && saved.expiresAt <= Date.now()) {
      clearStaffSession();
      return null;
    }
    return saved;
  } catch {
    return null;
  }
}

export function clearStaffSession() {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch { /* storage disabled */ }
}

export async function login(email, password) {
  const body = await request('POST', '/api/v2/auth/login', { body: { email, password } });
  return keep(body, { name: email, email, roles: [], permissions: [] });
}

/** A new password for whoever holds `token`. Every earlier token of theirs ends, this one too: the answer's
 *  fresh token becomes the session. */
export async function changePassword(token, currentPassword, newPassword) {
  const body = await request('POST', '/api/v2/auth/password', { token, body: { currentPassword, newPassword } });
  return keep(body, loadStaffSession()?.user ?? {});
}

function keep(body, user) {
  const session = {
    token: body.access_token,
    user: body.user ?? user,
    expiresAt: body.expires_in ? Date.now() + Number(body.expires_in) * 1000 : null,
  };
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  } catch { /* the session then lasts until reload */ }
  return session;
}

export function apiGet(path, token) {
  return request('GET', path, { token });
}

/** A JSON call with the staff token: the answer's JSON, or an ApiError in the server's words. */
export function apiCall(method, path, token, body) {
  return request(method, path, { token, body });
}

async function request(method, path, { body, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The ShowDesk server cannot be reached.');
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = typeof data?.detail === 'string' ? data.detail : null;
    throw new ApiError(response.status, data?.code, data?.message ?? detail);
  }
  return data;
}
