// What the Interactions view fetches with the signed-in token that a plain link could not: export files
// (saved under the name the server gives) and a chat's photos (as object URLs).

import { ApiError } from '/static/staff-session.js';

async function call(path, token) {
  let response;
  try {
    response = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError(0, 'network_error', 'The ShowDesk server cannot be reached.');
  }
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    throw new ApiError(response.status, data?.code, data?.message);
  }
  return response;
}

/** The file name of `Content-Disposition: attachment; filename="..."`, or `fallback`. */
export function fileName(disposition, fallback) {
  const match = /filename="([^"]+)"/.exec(disposition ?? '');
  return match ? match[1] : fallback;
}

/** Fetch an export and save it as the file the server names. */
export async function saveFile(path, token, fallback = 'showdesk-export') {
  const response = await call(path, token);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName(response.headers.get('content-disposition'), fallback);
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Photos of the conversation on screen, as object URLs (revoked by `forget`). */
export class PhotoUrls {
  #token;
  #urls = new Map();

  constructor(token) {
    this.#token = token;
  }

  load(photo) {
    let loading = this.#urls.get(photo.id);
    if (!loading) {
      loading = call(photo.url, this.#token()).then(async (response) => URL.createObjectURL(await response.blob()));
      this.#urls.set(photo.id, loading);
      loading.catch(() => this.#urls.delete(photo.id));
    }
    return loading;
  }

  forget() {
    for (const loading of this.#urls.values()) loading.then((url) => URL.revokeObjectURL(url), () => {});
    this.#urls.clear();
  }
}
