// A spoken interview over the session's voice socket: microphone frames out, the interviewer's words and speech in,
// reconnecting with backoff when the connection drops (the server lets the new socket take the session over).
import { ApiError, getSession, voiceUrl } from './api.js';
import { openMicrophone } from './microphone.js';
import { PcmPlayer } from './player.js';
import * as view from './view.js';

const firstRetryMs = 500;
const longestRetryMs = 10000;

export class VoiceConversation {
  /**
   * @param {{id: string, token: string}} session
   * @param {AudioContext} context created on the candidate's click, so the browser lets it play
   * @param {{completed: (why: string) => void, stopped: (problem: string|null) => void}} on
   */
  constructor(session, context, on) {
    this.session = session;
    this.context = context;
    this.on = on;
    this.player = new PcmPlayer(context);
    this.socket = null;
    this.microphone = null;
    this.stopped = false;
    this.ending = false;
    this.reconnected = false;
    // Whether this socket has asked its first question yet (the standing one, which the transcript may already hold).
    this.asked = false;
    this.inReply = false;
    // Counts replies, so that a reply's end, heard later, does not overwrite a newer state.
    this.reply = 0;
    this.lastReply = null;
  }

  /** Opens the microphone (a MicrophoneError when it cannot), then the socket. */
  async start() {
    view.showVoice(true);
    view.setVoiceState('connecting');
    this.microphone = await openMicrophone(this.context, (frame) => {
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(frame);
    });
    if (!(await this.connect())) await this.reconnect();
  }

  /** Opens a socket; resolves true once it is open, false when it failed before that. */
  connect() {
    return new Promise((resolve) => {
      const socket = new WebSocket(voiceUrl(this.session));
      socket.binaryType = 'arraybuffer';
      this.socket = socket;
      let opened = false;
      socket.onopen = () => {
        opened = true;
        socket.send(JSON.stringify({ type: 'start', sample_rate: 16000 }));
        resolve(true);
      };
      socket.onmessage = (message) => {
        if (typeof message.data === 'string') this.handle(JSON.parse(message.data));
        else if (this.inReply) this.player.push(message.data);
      };
      socket.onclose = () => {
        resolve(false);
        // A socket that never opened is retried by whoever awaited it; one that was open was lost, and is retried here.
        if (!opened || this.socket !== socket || this.stopped) return;
        this.socket = null;
        this.player.stop();
        this.inReply = false;
        this.reconnect();
      };
    });
  }

  /** Tries again after 0.5, 1, 2, 4… s (at most 10 s, jittered so that many clients do not come back at once). */
  async reconnect() {
    view.setVoiceState('reconnecting');
    for (let attempt = 0; !this.stopped; attempt++) {
      const wait = Math.min(longestRetryMs, firstRetryMs * 2 ** attempt) * (0.75 + Math.random() / 2);
      view.setStatus(`The connection was lost. Reconnecting in ${Math.ceil(wait / 1000)} s…`, 'warning');
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.stopped) return;
      try {
        // The socket's refusals (an ended session, a lost token) come before the upgrade and a browser does not
        // see them; the session's state says which it is.
        const state = await getSession(this.session);
        if (state.done) {
          this.finish(state.status === 'completed' ? 'The interviewer closed the interview.' : 'The interview was ended.');
          return;
        }
      } catch (error) {
        if (error instanceof ApiError && error.status !== 0) {
          this.stop(error.message);
          return;
        }
        continue; // still unreachable
      }
      view.setStatus('Reconnecting…', 'warning');
      this.reconnected = true;
      if (await this.connect()) return;
    }
  }

  handle(event) {
    switch (event.type) {
      case 'ready':
        this.asked = false;
        view.setVoiceState('listening');
        // The voice panel says what is going on from here; the status line keeps only news about the connection.
        view.setStatus(this.reconnected ? 'Reconnected. The interviewer repeats the question.' : '', 'good');
        this.reconnected = false;
        break;
      case 'question':
        this.question(event);
        break;
      case 'latency':
        this.lastReply?.setLatency(event.latency.response_time_ms);
        break;
      case 'speech_started':
        view.setVoiceState('hearing');
        break;
      case 'turn_ended':
        view.countVoice('turns');
        view.setVoiceState('thinking');
        break;
      case 'transcript':
        // Without speech-to-text the server says so in the text itself; it is shown as a note, not as words said.
        view.addMessage('candidate', event.text, event.transcribed === false ? 'note' : '');
        break;
      case 'audio_start':
        this.reply++;
        this.inReply = true;
        this.player.begin(event.sample_rate);
        view.countVoice('replies');
        view.setVoiceState('speaking');
        break;
      case 'audio_end':
        this.inReply = false;
        this.afterReply(this.reply);
        break;
      case 'interrupted':
        // The candidate spoke over the interviewer: silence it at once, whatever is still scheduled.
        this.inReply = false;
        this.player.stop();
        view.countVoice('interruptions');
        view.setVoiceState('hearing');
        break;
      case 'error':
        this.error(event);
        break;
      case 'completed':
        // The server closes the socket next: that is no lost connection. The closing words still play out.
        this.stopped = true;
        this.microphone?.stop();
        this.player.drained().then(() => this.finish(this.ending ? 'You ended the interview.' : 'The interviewer closed the interview.'));
        break;
    }
  }

  question(event) {
    view.setProgress(event.question_number);
    view.announce(event.text);
    // A new socket asks the standing question again; it is already in the transcript.
    const repeat = !this.asked && event.text === view.lastWords('interviewer');
    this.asked = true;
    if (!repeat) this.lastReply = view.addMessage('interviewer', event.text);
  }

  async afterReply(reply) {
    await this.player.drained();
    if (reply === this.reply && !this.inReply && !this.stopped) view.setVoiceState('listening');
  }

  error(event) {
    if (event.status === 409) {
      // The session moved on or ended, or another tab took the voice over: the server closes this socket next.
      this.stopped = true;
      getSession(this.session).then(
        (state) => (state.done ? this.finish(state.status === 'completed' ? 'The interviewer closed the interview.' : 'The interview was ended.') : this.stop(event.detail)),
        () => this.stop(event.detail));
      return;
    }
    view.showProblem(event.detail || event.title);
  }

  /** Sends a control message, or says why it could not go. */
  send(message) {
    if (this.socket?.readyState !== WebSocket.OPEN) {
      view.showProblem('The voice connection is not open right now; wait until it is restored and try again.');
      return false;
    }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  endTurn() {
    this.send({ type: 'end_turn' });
  }

  skip() {
    if (this.send({ type: 'skip_question' })) {
      view.addMessage('candidate', '(skipped the question)', 'note');
      view.setVoiceState('thinking');
    }
  }

  /** A typed answer in the middle of a voice interview: answered with speech like a spoken one. */
  sendText(text) {
    if (!this.send({ type: 'text', text })) return false;
    view.addMessage('candidate', text);
    view.setVoiceState('thinking');
    return true;
  }

  endInterview() {
    this.ending = this.send({ type: 'end_interview' });
  }

  finish(why) {
    this.close();
    this.on.completed(why);
  }

  /** Leaves voice mode (the candidate's choice, or `problem` when it cannot go on); typing goes on. */
  stop(problem = null) {
    this.close();
    this.on.stopped(problem);
  }

  close() {
    this.stopped = true;
    this.microphone?.stop();
    this.player.stop();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }
}
