// The session this tab is in (id and token), so a reload resumes it instead of starting over. sessionStorage: it
// stays with the tab and goes with it; the token is never kept beyond that.

const key = 'promptly.interview';

/** @param {{id: string, token: string, page: string}} session page: the address it was started from */
export function save(session) {
  sessionStorage.setItem(key, JSON.stringify(session));
}

/** The session saved for this page's address, or null. */
export function load() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(key) ?? 'null');
    return saved && saved.page === location.pathname ? saved : null;
  } catch {
    return null;
  }
}

export function clear() {
  sessionStorage.removeItem(key);
}
