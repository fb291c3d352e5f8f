// The operator API as the dashboard calls it: every request carries the key the operator signed in with.

import { ApiError, problemOf } from '../problem.js';

export { ApiError };

const KEY = 'promptly.operatorKey';

/** A 401 or 403: the key is missing, wrong or revoked, so the page goes back to its sign-in form. */
export class AuthError extends Error {
  constructor(status) {
    super(status === 401 ? 'The server asks for an operator key (401). Sign in again.' : 'The server refused this key (403). Check it and sign in again.');
    this.status = status;
  }
}

// sessionStorage, not localStorage: the key is forgotten with the tab, and other tabs never see it.
export const storedKey = () => sessionStorage.getItem(KEY);
export const storeKey = (key) => sessionStorage.setItem(KEY, key);
export const forgetKey = () => sessionStorage.removeItem(KEY);

/**
 * GETs `path` as JSON (or as text with `text: true`) with the stored key, or with `key` while signing in.
 * `cache: 'no-store'` because every panel wants the figures of now, never a cached answer.
 */
export async function get(path, { signal, text = false, key = storedKey() } = {}) {
  const response = await fetch(path, {
    headers: { Authorization: `Bearer ${key}`, Accept: text ? 'text/plain' : 'application/json' },
    cache: 'no-store',
    signal,
  });
  if (response.status === 401 || response.status === 403) throw new AuthError(response.status);
  // Any other refusal (a 404 for an erased session, say) in the problem's own words.
  if (!response.ok) throw await problemOf(response);
  return text ? response.text() : response.json();
}

/** A query string from the entries whose value is not empty. */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
