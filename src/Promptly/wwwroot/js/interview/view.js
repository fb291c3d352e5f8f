// Everything the page shows, in one place, so the controller and the voice conversation speak in states, not DOM.

const $ = (id) => document.getElementById(id);

const app = $('app');
const interview = $('interview');
const problem = $('problem');
const status = $('status');
const transcript = $('transcript');
const announcer = $('announcer');

/** Shows one of the page's phases: loading, start, invitation, interview, completed. */
export function showPhase(phase) {
  app.dataset.phase = phase;
  $('loading').hidden = phase !== 'loading';
  $('start').hidden = phase !== 'start';
  $('invitation').hidden = phase !== 'invitation';
  interview.hidden = phase !== 'interview' && phase !== 'completed';
  $('completed').hidden = phase !== 'completed';
  $('controls').disabled = phase !== 'interview';
  $('controls').hidden = phase === 'completed';
}

/** The session on show, kept on the page so that a test (or a support person) can find it on the server. */
export function setSession(id) {
  interview.dataset.session = id;
}

export function setTitle(text) {
  $('title').textContent = text;
  document.title = `${text} · Promptly`;
}

/** A problem to show until the next one or until cleared (role=alert, so it is read out at once). */
export function showProblem(message) {
  problem.textContent = message;
  problem.hidden = false;
}

export function clearProblem() {
  problem.hidden = true;
  problem.textContent = '';
}

/** The state line (role=status): waiting, listening, reconnecting… */
export function setStatus(text, tone = 'neutral') {
  status.textContent = text;
  status.dataset.tone = tone;
}

export function setProgress(questionNumber) {
  $('progress').textContent = questionNumber > 0 ? `Question ${questionNumber}` : '';
}

/** Reads out the interviewer's words once they are complete (streamed pieces would be read out piece by piece). */
export function announce(text) {
  announcer.textContent = text;
}

/**
 * Adds a line to the transcript and returns a handle to fill it in as it streams.
 * @param {'interviewer'|'candidate'} role
 */
export function addMessage(role, text = '', note = '') {
  const item = document.createElement('li');
  item.className = `message message--${role}`;
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = role === 'interviewer' ? 'Interviewer' : 'You';
  const words = document.createElement('p');
  words.className = 'words';
  words.textContent = text;
  item.append(who, words);
  if (note) item.classList.add('message--note');
  transcript.append(item);
  item.scrollIntoView({ block: 'nearest' });
  return {
    element: item,
    set(value) {
      words.textContent = value;
      item.classList.toggle('message--waiting', value === '');
      item.scrollIntoView({ block: 'nearest' });
    },
    append(piece) {
      this.set(words.textContent + piece);
    },
    /** The response's own latency record: the figure the product promises, shown discreetly. */
    setLatency(ms) {
      let figure = item.querySelector('.latency');
      if (!figure) {
        figure = document.createElement('span');
        figure.className = 'latency';
        item.append(figure);
      }
      figure.textContent = `answered in ${formatMs(ms)}`;
      item.dataset.latencyMs = String(ms);
    },
    remove() {
      item.remove();
    },
  };
}

export function clearTranscript() {
  transcript.replaceChildren();
}

function formatMs(ms) {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The completed state: why it ended, inputs gone, focus on the heading so a screen reader lands there. */
export function showCompleted(text) {
  showPhase('completed');
  $('completed-text').textContent = text;
  setStatus('The interview is over.', 'done');
  $('completed-heading').focus();
}

/** Voice mode on or off: its controls, and the button that starts it. */
export function showVoice(on) {
  $('voice-controls').hidden = !on;
  $('speak').hidden = on;
  interview.dataset.voice = on ? 'on' : 'off';
}

const voiceStates = {
  connecting: 'Connecting your microphone…',
  listening: 'Listening: speak your answer',
  hearing: 'Hearing you…',
  thinking: 'The interviewer is thinking…',
  speaking: 'The interviewer is speaking',
  reconnecting: 'Connection lost: reconnecting…',
};

/** The voice conversation's state, shown beside its controls and kept on the page for anyone to read. */
export function setVoiceState(state) {
  interview.dataset.voiceState = state;
  $('voice-dot').dataset.state = state;
  $('voice-state-text').textContent = voiceStates[state] ?? '';
}

/** Counts of the voice conversation's events (turns heard, replies spoken), kept as data attributes. */
export function countVoice(name) {
  const key = `voice${name[0].toUpperCase()}${name.slice(1)}`;
  interview.dataset[key] = String(Number(interview.dataset[key] ?? 0) + 1);
}

/** A typed answer waits for its reply: the field stays editable; the voice cannot open under the turn meanwhile. */
export function setBusy(busy) {
  $('speak').disabled = busy;
}

/** The words of the transcript's last line from `role`, or ''. */
export function lastWords(role) {
  const lines = transcript.querySelectorAll(`.message--${role} .words`);
  return lines.length ? lines[lines.length - 1].textContent : '';
}
