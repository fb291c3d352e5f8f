// What both pages make of an answer that is not 2xx: the problem+json's own words, as an ApiError.

/** A refusal or failure, in the server's words: the problem's `detail` when it gave one. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the server could not be reached
   * @param {string} detail
   */
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** Reads a problem+json answer into an ApiError (any other error body gets a generic wording). */
export async function problemOf(response) {
  let detail = '';
  if ((response.headers.get('Content-Type') ?? '').includes('json')) {
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || '';
    } catch {
      // A body that is not JSON after all: the status line below says enough.
    }
  }
  detail ||= `The server answered ${response.status} ${response.statusText}.`;
  const retryAfter = response.status === 429 ? retryAfterSeconds(response.headers.get('Retry-After')) : null;
  if (retryAfter !== null) detail += ` Try again in ${retryAfter} s.`;
  return new ApiError(response.status, detail);
}

// Retry-After is seconds or an HTTP date.
function retryAfterSeconds(value) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
