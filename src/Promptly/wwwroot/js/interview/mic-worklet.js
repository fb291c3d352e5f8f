// The microphone's audio thread: resamples whatever rate the AudioContext runs at (44.1 or 48 kHz, usually) to the
// 16 kHz the server listens at, and posts PCM16 frames of 20 ms to the page, which sends them as they are.

const targetRate = 16000;
const frameSamples = targetRate / 50; // 20 ms

class Pcm16Capture extends AudioWorkletProcessor {
  constructor() {
    super();
    // Input samples per output sample (3 at 48 kHz, 2.75625 at 44.1 kHz); `sampleRate` is the context's.
    this.step = sampleRate / targetRate;
    this.position = 0;
    this.sum = 0;
    this.count = 0;
    this.frame = new Int16Array(frameSamples);
    this.filled = 0;
    // The page says when the microphone is closed; returning false then lets the browser drop this processor.
    this.open = true;
    this.port.onmessage = () => {
      this.open = false;
    };
  }

  process(inputs) {
    if (!this.open) return false;
    const channel = inputs[0]?.[0];
    if (!channel) return true; // no input yet (the microphone is starting): keep the processor alive
    for (let i = 0; i < channel.length; i++) {
      // Each output sample is the mean of the input samples of its period: a box filter that keeps most of what is
      // above 8 kHz from folding back into speech, at no cost, and works for a step that is not a whole number.
      this.sum += channel[i];
      this.count++;
      this.position += 1;
      if (this.position < this.step) continue;
      this.position -= this.step;
      const value = Math.max(-1, Math.min(1, this.sum / this.count));
      this.sum = 0;
      this.count = 0;
      this.frame[this.filled++] = value < 0 ? value * 0x8000 : value * 0x7fff;
      if (this.filled === frameSamples) {
        // Transfer, not copy: a new frame each time, and the posted one goes to the page as it is.
        this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
        this.frame = new Int16Array(frameSamples);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('pcm16-capture', Pcm16Capture);
