// A short poll: the task runs, then again `everyMs` after it ended, so requests never overlap however slow the server
// is. A hidden tab asks nothing (visibilitychange) and catches up at once when shown again.

export class Poller {
  #task;
  #everyMs;
  #onError;
  #timer = 0;
  #running = false;
  #again = false;
  #on = false;
  #abort = null;

  /** `task(signal)` does one round; `onError(error)` hears what it threw. */
  constructor(task, everyMs, onError) {
    this.#task = task;
    this.#everyMs = everyMs;
    this.#onError = onError;
    // One listener for the poller's lifetime (pollers are made once per page), never one per round.
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) clearTimeout(this.#timer);
      else if (this.#on) this.now();
    });
  }

  start() {
    this.#on = true;
    this.now();
  }

  /** Stops polling and cancels the round in flight (on sign-out its answers are not wanted). */
  stop() {
    this.#on = false;
    clearTimeout(this.#timer);
    this.#abort?.abort();
  }

  /** A round now (a control changed): at once, or right after the round in flight. */
  now() {
    clearTimeout(this.#timer);
    if (this.#running) this.#again = true;
    else this.#run();
  }

  async #run() {
    if (!this.#on || document.hidden) return;
    this.#running = true;
    this.#again = false;
    this.#abort = new AbortController();
    try {
      await this.#task(this.#abort.signal);
    } catch (error) {
      if (error.name !== 'AbortError') this.#onError(error);
    } finally {
      this.#running = false;
    }
    if (this.#on && !document.hidden) this.#timer = setTimeout(() => this.#run(), this.#again ? 0 : this.#everyMs);
  }
}
