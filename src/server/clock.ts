/**
 * Time as a dependency: the server reads the time and sets timers only through a `Clock`, so
 * tests can drive rate limits and idle unloading with a manual clock instead of waiting.
 */
export interface Clock {
  /** Milliseconds since an arbitrary origin (monotonic for the system clock). */
  now(): number;
  /** Calls `callback` after `ms` milliseconds; returns a function that cancels it. */
  setTimeout(callback: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    // A pending timer (an idle model's unload) must never keep the process alive.
    timer.unref();
    return () => clearTimeout(timer);
  },
};
