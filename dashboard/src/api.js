// The one way the dashboard talks to the service: public API routes, the session cookie riding
// along (same origin). A share page renews its read-only cookie from the link's token on a 401.
let shareToken = null;
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export function useShareToken(token) {
  shareToken = token;
}

export function whenSignedOut(callback) {
  onSignedOut = callback;
}

export async function openShareSession() {
  return request('/api/v1/share-session', { method: 'POST', body: { token: shareToken } }, true);
}

async function request(path, { method = 'GET', body } = {}, retried = false) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401 && shareToken && !retried) {
    await openShareSession();
    return request(path, { method, body }, true);
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).detail || detail;
    } catch {
      /* not JSON */
    }
    if (response.status === 401 && !shareToken && !path.endsWith('/dashboard/session')) onSignedOut();
    throw new ApiError(response.status, detail);
  }
  return response.status === 204 ? null : response.json();
}

export const api = {
  get: (path) => request(path),
  post: (path, body) => request(path, { method: 'POST', body }),
  del: (path) => request(path, { method: 'DELETE' }),
  query: (body) => request('/api/v2/query', { method: 'POST', body }),
};

// EventSource cannot be told about a 401: when a stream closes, ask for the session (which renews a
// share cookie, or shows the sign-in) and reconnect.
export function liveStream(path, handlers) {
  let source = null;
  let stopped = false;
  let timer = null;
  const connect = () => {
    source = new EventSource(path);
    for (const [event, handler] of Object.entries(handlers)) {
      source.addEventListener(event, (e) => handler(JSON.parse(e.data)));
    }
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED || stopped) return;
      timer = setTimeout(async () => {
        try {
          await request(`/api/v1/dashboard/session?scope=${shareToken ? 'share' : 'owner'}`);
        } catch (err) {
          if (err.status === 401 && !shareToken) onSignedOut();
        }
        if (!stopped) connect();
      }, 1000);
    };
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source.close();
  };
}
