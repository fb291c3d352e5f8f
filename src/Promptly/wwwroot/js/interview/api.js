// The server's API as the candidate uses it: open routes, and the session's own routes with its token.
import { ApiError, problemOf } from '../problem.js';
import { readEvents } from './sse.js';

export { ApiError };

const unreachable = () => new ApiError(0, 'The server could not be reached. Check your connection and try again.');

async function send(path, { method = 'GET', body, token, accept = 'application/json' } = {}) {
  const headers = { Accept: accept };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw unreachable();
  }
  if (!response.ok) throw await problemOf(response);
  return response;
}

const json = async (path, options) => (await send(path, options)).json();

export const listGuides = () => json('/concepts');

export const startPractice = (conceptId, candidate) =>
  json('/sessions', { method: 'POST', body: { concept_id: conceptId, interview_type: 'PRACTICE', candidate: candidate || null } });

export const startInvitation = (invitation) =>
  json(`/invitations/${encodeURIComponent(invitation)}/start`, { method: 'POST' });

export const getSession = (session) => json(`/sessions/${encodeURIComponent(session.id)}`, { token: session.token });

export const endSession = (session) => json(`/sessions/${encodeURIComponent(session.id)}/end`, { method: 'POST', token: session.token });

/**
 * Takes a typed turn as Server-Sent Events: yields `token`, `reset` and finally `turn` events ({ event, data } with
 * data parsed). A failure before the stream began throws its ApiError; an `error` event after it does too.
 */
export async function* streamTurn(session, text) {
  const response = await send(`/sessions/${encodeURIComponent(session.id)}/turns`,
    { method: 'POST', token: session.token, body: { user_input: text }, accept: 'text/event-stream' });
  try {
    for await (const { event, data } of readEvents(response.body)) {
      const payload = JSON.parse(data);
      if (event === 'error') throw new ApiError(payload.status, payload.detail || payload.title);
      yield { event, data: payload };
      if (event === 'turn') return;
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
  }
  // The stream ended or broke without its `turn`: the turn may or may not be stored.
  throw new ApiError(0, 'The connection broke before the interviewer finished, so your answer may not have been received.');
}

/** The voice socket's address; a browser's WebSocket cannot send headers, so the token goes in the query. */
export function voiceUrl(session) {
  const url = new URL(`/sessions/${encodeURIComponent(session.id)}/voice`, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('access_token', session.token);
  return url.href;
}
