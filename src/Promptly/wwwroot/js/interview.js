// The candidate's page: choose a practice guide (or open an invitation), then take the interview by typing, its
// replies streamed as they are written, or by speaking over the voice socket.
import * as api from './interview/api.js';
import * as saved from './interview/saved.js';
import * as view from './interview/view.js';
import { VoiceConversation } from './interview/voice.js';

const $ = (id) => document.getElementById(id);

// An invitation's link (/i/{token}) names the invitation; the candidate starts it with a click, since it starts once.
const invitation = /^\/i\/([^/]+)$/.exec(location.pathname)?.[1] ?? null;

/** The session being taken: { id, token, page }. */
let session = null;
/** The voice conversation while the candidate speaks, else null. */
let voice = null;
/** One AudioContext for the page, made on the click that starts the voice (browsers allow sound only after one). */
let audio = null;
let busy = false;

const closings = {
  completed: 'The interviewer closed the interview. Thank you for your answers.',
  ended: 'The interview was ended.',
};

async function open() {
  wire();
  const resumed = saved.load();
  if (resumed) {
    try {
      session = resumed;
      show(await api.getSession(session));
      return;
    } catch (error) {
      // The token expired or the session is gone: start afresh, saying why only when the server could not be asked.
      saved.clear();
      session = null;
      if (error.status === 0) view.showProblem(error.message);
    }
  }
  if (invitation) {
    view.setTitle('Your interview');
    view.showPhase('invitation');
    return;
  }
  view.setTitle('Practice interview');
  try {
    listGuides(await api.listGuides());
    view.showPhase('start');
  } catch (error) {
    view.showProblem(`The interviews could not be listed: ${error.message}`);
    view.showPhase('start');
  }
}

function wire() {
  $('start-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = new FormData(event.target).get('guide');
    begin(() => api.startPractice(chosen, $('candidate').value.trim()), event.submitter);
  });
  $('accept').addEventListener('click', (event) => begin(() => api.startInvitation(invitation), event.currentTarget));
  $('answer-form').addEventListener('submit', (event) => {
    event.preventDefault();
    answer();
  });
  // Enter sends, Shift+Enter makes a new line: the chat convention, with the button for those who prefer it.
  $('answer').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $('answer-form').requestSubmit();
    }
  });
  $('speak').addEventListener('click', speak);
  $('end-turn').addEventListener('click', () => voice?.endTurn());
  $('skip').addEventListener('click', () => voice?.skip());
  $('stop-voice').addEventListener('click', () => voice?.stop());
  $('end').addEventListener('click', end);
}

function listGuides(guides) {
  const list = $('guides');
  list.replaceChildren();
  // Screenings are taken by invitation; the others can be practised.
  const open = guides.filter((guide) => guide.kind !== 'screening');
  const preferred = open.find((guide) => guide.kind.includes('practice')) ?? open[0];
  for (const guide of open) {
    const label = document.createElement('label');
    label.className = 'guide';
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'guide';
    radio.value = guide.id;
    radio.required = true;
    radio.checked = guide === preferred;
    const text = document.createElement('span');
    const title = document.createElement('strong');
    title.textContent = guide.title;
    const about = document.createElement('span');
    about.className = 'about';
    about.textContent = guide.description;
    text.append(title, about);
    label.append(radio, text);
    list.append(label);
  }
}

/** Starts the interview (`start` calls the server) and shows its greeting. */
async function begin(start, button) {
  view.clearProblem();
  button.disabled = true;
  try {
    const started = await start();
    session = { id: started.id, token: started.token, page: location.pathname };
    saved.save(session);
    view.setSession(session.id);
    view.clearTranscript();
    view.showPhase('interview');
    interviewerSaid(started.message, started.latency?.response_time_ms);
    view.setProgress(started.question_number);
    if (started.done) complete(closings.completed);
    else yourTurn();
  } catch (error) {
    view.showProblem(error.message);
  } finally {
    button.disabled = false;
  }
}

/** Shows a session as the server has it: after a reload, or to learn what a broken turn left behind. */
function show(state) {
  view.setTitle(state.interview_type === 'INVITED' ? 'Your interview' : 'Practice interview');
  view.setSession(state.id);
  view.clearTranscript();
  view.showPhase('interview');
  for (const line of state.transcript) view.addMessage(line.role, line.content);
  view.setProgress(state.question_number);
  if (state.done) complete(closings[state.status] ?? closings.ended);
  else yourTurn();
}

function interviewerSaid(text, ms) {
  const line = view.addMessage('interviewer', text);
  if (ms !== undefined) line.setLatency(ms);
  view.announce(text);
}

function yourTurn() {
  view.setStatus(voice ? '' : 'Your turn: type your answer, or answer by voice.', 'neutral');
  if (!voice) $('answer').focus();
}

async function answer() {
  const field = $('answer');
  const text = field.value.trim();
  if (!text || busy) return;
  view.clearProblem();
  if (voice) {
    if (voice.sendText(text)) field.value = '';
    return;
  }
  busy = true;
  view.setBusy(true);
  field.value = '';
  const mine = view.addMessage('candidate', text);
  const reply = view.addMessage('interviewer');
  reply.set('');
  view.setStatus('The interviewer is thinking…', 'busy');
  try {
    for await (const { event, data } of api.streamTurn(session, text)) {
      if (event === 'token') {
        reply.append(data.text);
        view.setStatus('The interviewer is answering…', 'busy');
      } else if (event === 'reset') {
        reply.set('');
      } else if (event === 'turn') {
        reply.set(data.message);
        reply.setLatency(data.latency.response_time_ms);
        view.announce(data.message);
        view.setProgress(data.question_number);
        if (data.done) complete(closings.completed);
        else yourTurn();
      }
    }
  } catch (error) {
    // Nothing of a refused or failed turn is shown as said; the answer goes back in the field to send again.
    mine.remove();
    reply.remove();
    field.value = text;
    view.showProblem(error.message);
    view.setStatus('Your answer was not sent.', 'warning');
    // A broken stream may have been stored after all, and a 409 means the session moved on: ask the server.
    if (error.status === 0 || error.status === 409) await resync(text);
  } finally {
    busy = false;
    view.setBusy(false);
  }
}

async function resync(text) {
  try {
    const state = await api.getSession(session);
    show(state);
    if (state.transcript.some((line) => line.role === 'candidate' && line.content === text)) {
      $('answer').value = '';
      view.clearProblem();
    }
  } catch {
    // Still unreachable: the problem shown says so, and the answer waits in the field.
  }
}

async function speak() {
  view.clearProblem();
  audio ??= new AudioContext();
  await audio.resume();
  voice = new VoiceConversation(session, audio, {
    completed: complete,
    stopped: (problem) => {
      voice = null;
      view.showVoice(false);
      if (problem) view.showProblem(problem);
      yourTurn();
    },
  });
  try {
    await voice.start();
  } catch (error) {
    // The microphone was refused or missing: say so; typing goes on as before.
    voice.close();
    voice = null;
    view.showVoice(false);
    view.showProblem(error.message);
    view.setStatus('Answer by typing.', 'warning');
    $('answer').focus();
  }
}

async function end() {
  view.clearProblem();
  if (voice) {
    voice.endInterview();
    return;
  }
  try {
    await api.endSession(session);
    complete('You ended the interview.');
  } catch (error) {
    view.showProblem(error.message);
  }
}

function complete(why) {
  voice?.close();
  voice = null;
  view.showVoice(false);
  saved.clear();
  view.showCompleted(why);
}

open();
