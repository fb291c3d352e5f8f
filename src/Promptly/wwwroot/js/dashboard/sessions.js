// "Interviews": sessions newest first, filtered and searched (GET /sessions, keyset pages by cursor), and one session's
// transcript with each response's latency, phases and trace id (GET /sessions/{id}/export?format=json).

import { ApiError, get, query } from './api.js';
import { byId, el, fill, row } from './dom.js';
import { ms, percent, phases, when } from './format.js';

const form = byId('session-filters');
const rows = byId('session-rows');
// The cursor of the page shown (null: the first) and of the next one; only these two, whatever the paging.
let shown = null;
let next = null;
let onError = () => {};

/** Wires the controls once; `report(error)` hears failures (a 401 signs the operator out). */
export function setUpSessions(report) {
  onError = report;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load(null);
  });
  // After the browser has cleared the fields.
  form.addEventListener('reset', () => setTimeout(() => load(null)));
  byId('first-page').addEventListener('click', () => load(null));
  byId('next-page').addEventListener('click', () => load(next));
  byId('refresh-sessions').addEventListener('click', () => load(shown));
  byId('close-transcript').addEventListener('click', () => {
    byId('transcript').hidden = true;
    byId('session-caption').closest('.scroll').focus();
  });
  // One listener for every "open" button, in this table and in the slowest responses': rows come and go each round.
  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-open]');
    if (button) openTranscript(button.dataset.open);
  });
}

/** Fills the guide and type filters from the catalogue and the budget. */
export function setFilterChoices(concepts, budget) {
  const guide = byId('filter-guide');
  guide.replaceChildren(el('option', { value: '', textContent: 'Any' }), ...concepts.map((c) => el('option', { value: c.id, textContent: c.title })));
  const type = byId('filter-type');
  type.replaceChildren(el('option', { value: '', textContent: 'Any' }), ...Object.keys(budget.interview_types).map((t) => el('option', { value: t, textContent: t })));
}

/** The page at `cursor` (null: the first) under the form's filters. */
export async function load(cursor) {
  const filters = Object.fromEntries(new FormData(form));
  // A date input gives a day; the list's `to` is exclusive, so "up to" a day means before the next one.
  if (filters.to) filters.to = new Date(Date.parse(filters.to) + 86_400_000).toISOString().slice(0, 10);
  try {
    const page = await get(`/sessions${query({ ...filters, limit: 20, cursor })}`);
    shown = cursor;
    next = page.next_cursor;
    byId('next-page').disabled = next === null;
    byId('session-caption').textContent = `Interviews, newest first${filters.q ? `, with the words “${filters.q}”` : ''}${cursor ? ' (a later page)' : ''}`;
    fill(rows, page.sessions.map((s) => row([
      when(s.created_at), s.candidate ?? '–', s.concept_id, s.interview_type, s.channels.join(' and ') || '–', s.status, String(s.question_number),
      s.responses === 0 ? '–' : `${percent(s.budget_compliance_rate)} (${s.within_budget}/${s.responses})`,
      el('button', { type: 'button', textContent: 'Open', data: { open: s.id }, attributes: { 'aria-label': `Open the transcript of ${s.candidate ?? 'session'} ${s.id}` } }),
    ], { header: true, data: { sessionId: s.id } })), 'No interviews match.');
  } catch (error) {
    onError(error);
  }
}

async function openTranscript(id) {
  const section = byId('transcript');
  const title = byId('transcript-title');
  try {
    const session = await get(`/sessions/${encodeURIComponent(id)}/export${query({ format: 'json' })}`);
    section.dataset.sessionId = id;
    title.textContent = `Transcript: ${session.candidate ?? 'anonymous'}, ${session.concept_title} (${session.interview_type}, ${session.status})`;
    const channels = [...new Set(session.transcript.filter((l) => l.latency).map((l) => l.latency.channel))];
    byId('transcript-summary').textContent = `${session.compliance.message} Channel: ${channels.join(' and ') || '–'}. Started ${when(session.created_at)}. Session ${session.id}.`;
    byId('transcript-lines').replaceChildren(...session.transcript.map(line));
  } catch (error) {
    if (!(error instanceof ApiError)) return onError(error);
    title.textContent = 'Transcript';
    byId('transcript-summary').textContent = error.status === 404 ? `Session ${id} has no transcript (erased, or never a session of this server).` : error.message;
    byId('transcript-lines').replaceChildren();
  }
  section.hidden = false;
  title.focus();
}

function line(message) {
  const item = el('li', { className: message.role, data: { role: message.role } },
    el('p', { className: 'who', textContent: `${message.role === 'interviewer' ? 'Interviewer' : 'Candidate'} · ${when(message.at)}` }),
    el('p', { className: 'words', textContent: message.content }));
  const latency = message.latency;
  if (latency) {
    const verdict = latency.failed ? 'failed' : latency.exceeded_threshold ? `over the ${ms(latency.threshold_ms)} budget` : 'within budget';
    item.append(el('p', { className: `latency${latency.exceeded_threshold || latency.failed ? ' over' : ''}`, data: { ms: String(latency.response_time_ms) } },
      `${ms(latency.response_time_ms)} (${verdict}) · ${latency.channel} · ${phases(latency.phases)}`,
      latency.fallback ? ` · fallback: ${latency.fallback_cause}` : '',
      latency.trace_id ? ` · trace ${latency.trace_id}` : ''));
    item.append(bar(latency));
  }
  return item;
}

/** The phases of one response as a bar of proportional parts (widths set through the DOM; the policy forbids style attributes). */
function bar(latency) {
  const total = Object.values(latency.phases).reduce((a, b) => a + b, 0) || 1;
  const parts = Object.entries(latency.phases).map(([name, value], i) => {
    const part = el('span', { className: `part p${i % 9}`, title: `${name} ${ms(value)}` });
    part.style.width = `${(value / total) * 100}%`;
    return part;
  });
  return el('div', { className: 'bar', attributes: { 'aria-hidden': 'true' } }, ...parts);
}
