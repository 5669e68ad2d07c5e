/**
 * Per-model admission control: at most `concurrency` requests use a model at once, at most
 * `queueLength` more wait in line (first come, first served), and the rest are refused at once
 * with `overloaded` (HTTP 429) and a Retry-After estimate, so that overload costs the server
 * nothing and memory stays bounded.
 */
import { InvalidRequestError } from '../errors.js';
import { type Clock, systemClock } from './clock.js';

export interface AdmissionOptions {
  concurrency: number;
  queueLength: number;
  clock?: Clock;
}

export interface AdmissionState {
  active: number;
  queued: number;
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (reason: unknown) => void;
}

interface Lane {
  active: number;
  queue: Waiter[];
  /** Moving average of how long one request holds a slot, in ms (for Retry-After). */
  averageMs: number;
}

const SMOOTHING = 0.2;

export class Admission {
  private readonly lanes = new Map<string, Lane>();
  private readonly listeners: Array<(key: string, state: AdmissionState) => void> = [];
  private readonly clock: Clock;

  constructor(private readonly options: AdmissionOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Called whenever a lane's active or queued count changes (for queue depth metrics). */
  onChange(listener: (key: string, state: AdmissionState) => void): void {
    this.listeners.push(listener);
  }

  /** Whether a request for `key` would be refused right now (every slot and queue place taken). */
  isFull(key: string): boolean {
    const lane = this.lanes.get(key);
    return (
      lane !== undefined &&
      lane.active >= this.options.concurrency &&
      lane.queue.length >= this.options.queueLength
    );
  }

  /** The `overloaded` error a full lane answers with, with its Retry-After estimate. */
  overloaded(key: string): InvalidRequestError {
    const lane = this.lane(key);
    const retryAfterS = this.retryAfterS(lane);
    return new InvalidRequestError(
      'overloaded',
      `The model is busy (${lane.active} running, ${lane.queue.length} waiting); retry in about ${retryAfterS} s.`,
      { details: { retryAfterS } },
    );
  }

  state(key: string): AdmissionState {
    const lane = this.lanes.get(key);
    return { active: lane?.active ?? 0, queued: lane?.queue.length ?? 0 };
  }

  /**
   * Waits for a slot on `key` and resolves with its release function. Rejects with `overloaded`
   * when the queue is full, or with `signal.reason` when the signal aborts while waiting.
   */
  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    const lane = this.lane(key);
    if (lane.active < this.options.concurrency) {
      lane.active++;
      this.changed(key, lane);
      return this.releaser(key, lane);
    }
    if (lane.queue.length >= this.options.queueLength) throw this.overloaded(key);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject,
      };
      const onAbort = () => {
        const index = lane.queue.indexOf(waiter);
        if (index >= 0) lane.queue.splice(index, 1);
        this.changed(key, lane);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      lane.queue.push(waiter);
      this.changed(key, lane);
    });
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { active: 0, queue: [], averageMs: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private releaser(key: string, lane: Lane): () => void {
    const started = this.clock.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const heldMs = this.clock.now() - started;
      lane.averageMs =
        lane.averageMs === 0 ? heldMs : lane.averageMs + SMOOTHING * (heldMs - lane.averageMs);
      const next = lane.queue.shift();
      if (next) {
        // The slot passes straight to the next waiter: `active` stays the same.
        next.resolve(this.releaser(key, lane));
      } else {
        lane.active--;
      }
      this.changed(key, lane);
    };
  }

  /** Seconds until a slot is likely free: the queue ahead, served at the observed pace. */
  private retryAfterS(lane: Lane): number {
    const perSlotMs = lane.averageMs || 1000;
    const waitMs = (perSlotMs * (lane.queue.length + 1)) / this.options.concurrency;
    return Math.min(3600, Math.max(1, Math.ceil(waitMs / 1000)));
  }

  private changed(key: string, lane: Lane): void {
    const state = { active: lane.active, queued: lane.queue.length };
    for (const listener of this.listeners) listener(key, state);
  }
}
