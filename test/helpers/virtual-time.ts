/**
 * Virtual time for tests of asynchronous pipelines: an RxJS `VirtualTimeScheduler` that the test
 * drives step by step. Between steps every pending promise continuation runs, so code that mixes
 * promises (an engine's `transcribe`) and scheduled work (a paced source, an engine's simulated
 * compute time) sees a consistent clock, and the outcome never depends on the machine's speed.
 */
import { VirtualTimeScheduler } from 'rxjs';

export class VirtualTime {
  readonly scheduler = new VirtualTimeScheduler();

  /** Virtual milliseconds since the start. */
  now(): number {
    return this.scheduler.now();
  }

  /** Resolves after `ms` virtual milliseconds. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.scheduler.schedule(() => resolve(), Math.max(0, ms));
    });
  }

  /**
   * Runs virtual time until `work` settles: lets promise continuations run, then executes the
   * actions due at the next scheduled instant, and so on.
   */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (;;) {
      await drainMicrotasks();
      if (settled) return work;
      const next = this.scheduler.actions[0];
      if (!next) {
        throw new Error('virtual time: the work is not done and nothing is scheduled (deadlock)');
      }
      this.scheduler.maxFrames = next.delay;
      this.scheduler.flush();
    }
  }
}

function drainMicrotasks(): Promise<void> {
  // Node runs every queued microtask, and those they queue, before the next macrotask.
  return new Promise((resolve) => setImmediate(resolve));
}
