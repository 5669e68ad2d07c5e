import type { Clock } from '../../src/server/clock.js';

/** A clock that moves only when the test says so; timers fire as time passes them. */
export class ManualClock implements Clock {
  private time = 0;
  private timers: Array<{ at: number; callback: () => void }> = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): () => void {
    const timer = { at: this.time + ms, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((item) => item !== timer);
    };
  }

  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((timer) => timer.at <= this.time);
    this.timers = this.timers.filter((timer) => timer.at > this.time);
    for (const timer of due) timer.callback();
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}
