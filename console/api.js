// The console's calls to /api/v1 with the browser session: the HttpOnly cookie goes by itself,
// and every write carries the readable CSRF cookie in X-CSRF-Token (app/auth/sessions.py).
// Failures are the field app's ApiError (problem+json, `errors` with JSON Pointer paths).
import { API, ApiError } from '/api.js';
import { lang } from '/i18n.js';

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export function csrfToken() {
  const cookie = document.cookie.split('; ').find((c) => c.startsWith('releve_csrf='));
  return cookie ? decodeURIComponent(cookie.slice('releve_csrf='.length)) : '';
}

/** One request; resolves with the parsed body (null when empty), rejects with ApiError. */
export async function call(path, { method = 'GET', json } = {}) {
  const headers = { Accept: 'application/json, application/problem+json', 'Accept-Language': lang() };
  if (WRITES.has(method)) headers['X-CSRF-Token'] = csrfToken();
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(API + path, {
      method, headers, credentials: 'same-origin', body: json === undefined ? undefined : JSON.stringify(json),
    });
  } catch (error) {
    throw new ApiError(0, { detail: String(error?.message || error) });
  }
  const text = await response.text().catch(() => '');
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { detail: text.slice(0, 200) }; }
  // A session that ended (expired, revoked, signed out elsewhere): the console asks to sign in.
  if (response.status === 401 && path !== '/auth/session') window.dispatchEvent(new Event('console:signed-out'));
  if (!response.ok) throw new ApiError(response.status, body || {}, Number(response.headers.get('Retry-After')) || null);
  return body;
}

/**
 * A multipart upload (FormData) with its progress: `onProgress(sent, total)` is called as the
 * bytes leave (XMLHttpRequest, as fetch cannot report upload progress). Resolves and rejects
 * as `call` does.
 */
export function upload(path, formData, { method = 'POST', onProgress = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, API + path);
    request.withCredentials = true;
    request.setRequestHeader('Accept', 'application/json, application/problem+json');
    request.setRequestHeader('Accept-Language', lang());
    request.setRequestHeader('X-CSRF-Token', csrfToken());
    request.upload.addEventListener('progress', (event) => onProgress(event.loaded, event.lengthComputable ? event.total : null));
    request.addEventListener('error', () => reject(new ApiError(0, { detail: 'network' })));
    request.addEventListener('load', () => {
      let body = null;
      try { body = request.responseText ? JSON.parse(request.responseText) : null; } catch { body = { detail: request.responseText.slice(0, 200) }; }
      if (request.status === 401) window.dispatchEvent(new Event('console:signed-out'));
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new ApiError(request.status, body || {}, Number(request.getResponseHeader('Retry-After')) || null));
    });
    request.send(formData);
  });
}
