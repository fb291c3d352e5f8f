// Plays the interviewer's speech as it arrives: PCM16 chunks scheduled back to back on an AudioContext, so playback
// starts with the first chunk and a barge-in can stop everything scheduled at once.

export class PcmPlayer {
  /** @param {AudioContext} context */
  constructor(context) {
    this.context = context;
    this.sampleRate = 16000;
    this.playing = new Set();
    this.nextStart = 0;
  }

  /** A reply begins (`audio_start`); its chunks follow at `sampleRate`. */
  begin(sampleRate) {
    this.sampleRate = sampleRate;
  }

  /** Schedules a chunk of PCM16 LE mono right after the previous one (or a little ahead of now, after a gap). */
  push(bytes) {
    const pcm = new Int16Array(bytes, 0, bytes.byteLength >> 1);
    if (pcm.length === 0) return;
    const buffer = this.context.createBuffer(1, pcm.length, this.sampleRate);
    const samples = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) samples[i] = pcm[i] / 0x8000;
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    // 20 ms of slack after a gap, so the first chunk is not scheduled in the past while it is being set up.
    const at = Math.max(this.nextStart, this.context.currentTime + 0.02);
    source.start(at);
    this.nextStart = at + buffer.duration;
    this.playing.add(source);
    source.onended = () => this.playing.delete(source);
  }

  /** Resolves once everything scheduled so far has played (at once if nothing is). */
  drained() {
    const left = this.nextStart - this.context.currentTime;
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, left * 1000)));
  }

  /** Stops all scheduled audio now (the candidate spoke over the interviewer). */
  stop() {
    for (const source of this.playing) {
      source.onended = null;
      source.stop();
    }
    this.playing.clear();
    this.nextStart = 0;
  }
}
