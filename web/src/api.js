// The public API, as the console uses it: same origin, /api/v1, bearer
// tokens. The access token lives in memory only; the refresh token in
// sessionStorage (gone when the tab closes), so a reload keeps the login.

const BASE = '/api/v1';
const REFRESH_KEY = 'oa.refresh';

let access = null;
let refreshTimer = null;
let refreshing = null;
let onLogout = () => {};

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

export function setLogoutHandler(fn) {
  onLogout = fn;
}

function keep(tokens) {
  access = tokens.access_token;
  sessionStorage.setItem(REFRESH_KEY, tokens.refresh_token);
  clearTimeout(refreshTimer);
  // Quietly renew a minute before the access token expires.
  const ms = Math.max(5, (tokens.expires_in || 900) - 60) * 1000;
  refreshTimer = setTimeout(() => refresh().catch(() => {}), ms);
}

function forget() {
  access = null;
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(REFRESH_KEY);
}

// One request. A connection that fails before any answer (a keep-alive
// connection the gateway had just closed) is tried once more; a POST carries
// an Idempotency-Key, so that a create sent twice is made once, and an action
// carries If-Match, so that it is not applied twice.
async function send(method, path, body, headers = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (access) h.Authorization = `Bearer ${access}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (method === 'POST' && !h['Idempotency-Key']) h['Idempotency-Key'] = crypto.randomUUID();
  const init = {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  };
  try {
    return await fetch(BASE + path, init);
  } catch (e) {
    await new Promise((r) => { setTimeout(r, 300); });
    return fetch(BASE + path, init);
  }
}

async function parse(res) {
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    const body = await res.json();
    if (!res.ok) throw new ApiError(res.status, body);
    return body;
  }
  if (!res.ok) throw new ApiError(res.status, null);
  return res.text();
}

export async function login(username, password) {
  const res = await send('POST', '/auth/login', { username, password });
  const tokens = await parse(res);
  keep(tokens);
  return tokens;
}

// One refresh at a time; a failed one logs out.
export function refresh() {
  if (!refreshing) {
    const token = sessionStorage.getItem(REFRESH_KEY);
    refreshing = (async () => {
      if (!token) throw new ApiError(401, { detail: '未登录' });
      const res = await send('POST', '/auth/refresh', { refresh_token: token });
      try {
        keep(await parse(res));
      } catch (e) {
        forget();
        onLogout();
        throw e;
      }
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

export function hasSession() {
  return Boolean(access || sessionStorage.getItem(REFRESH_KEY));
}

export async function logout() {
  const token = sessionStorage.getItem(REFRESH_KEY);
  forget();
  if (token) {
    try {
      await send('POST', '/auth/logout', { refresh_token: token });
    } catch (e) {
      // Logged out here either way.
    }
  }
}

// A request; an expired access token is renewed once and the request sent
// again.
export async function call(method, path, body, headers) {
  if (!access && sessionStorage.getItem(REFRESH_KEY)) await refresh();
  let res = await send(method, path, body, headers);
  if (res.status === 401 && sessionStorage.getItem(REFRESH_KEY)) {
    await refresh();
    res = await send(method, path, body, headers);
  }
  return parse(res);
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body === undefined ? {} : body);

// The CSV export as a download, with the bearer token.
export async function download(path, filename) {
  if (!access) await refresh();
  let res = await fetch(BASE + path, {
    headers: { Accept: 'text/csv', Authorization: `Bearer ${access}` },
    cache: 'no-store',
  });
  if (res.status === 401) {
    await refresh();
    res = await fetch(BASE + path, {
      headers: { Accept: 'text/csv', Authorization: `Bearer ${access}` },
      cache: 'no-store',
    });
  }
  if (!res.ok) await parse(res);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
