// HTTP calls to /api/v1, DOM-free so that the service worker uses them too. Errors become an
// ApiError carrying the RFC 9457 problem (detail in the user's language, `errors` with JSON
// Pointer paths) or, with status 0, the network failure.
export const API = '/api/v1';

export class ApiError extends Error {
  constructor(status, problem = {}, retryAfter = null) {
    super(problem.detail || `HTTP ${status}`);
    this.status = status; // 0: no answer (offline, connection lost)
    this.problem = problem;
    this.errors = problem.errors || [];
    this.retryAfter = retryAfter;
  }
}

/**
 * One request. options: method, json (body), form (FormData), token, lang, headers (more).
 * Resolves with {status, body, fromCache, etag}; rejects with ApiError for non-2xx answers and network errors.
 */
export async function request(path, { method = 'GET', json, form, token, lang, headers: more = {} } = {}) {
  const headers = { Accept: 'application/json, application/problem+json', ...more };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (lang) headers['Accept-Language'] = lang;
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  let response;
  try {
    response = await fetch(/^\/(api|ogc)\//.test(path) ? path : API + path, { method, headers, body });
  } catch (error) {
    throw new ApiError(0, { detail: String(error && error.message || error) });
  }
  const text = await response.text().catch(() => '');
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = { detail: text.slice(0, 200) }; }
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('Retry-After')) || null;
    throw new ApiError(response.status, parsed || {}, retryAfter);
  }
  // The service worker marks answers it gave from its cache because the network failed.
  return { status: response.status, body: parsed, fromCache: response.headers.has('X-Releve-From-Cache'),
    etag: response.headers.get('ETag') };
}
