/**
 * The bookkeeping of a session's passes: monotonic window ids per pass, what became of each window
 * (done, dropped, stale, failed) and how long it ran, reported as `window` payloads so every id is
 * accounted for in the stream, and failures as `error` payloads.
 */
import { WHISPER_SAMPLE_RATE } from '../dsp/whisper-mel.js';
import { toEarshotError } from '../errors.js';
import type { LiveEventPayload } from './events.js';

export type PassName = 'draft' | 'confirm';
export type PassStatus = 'done' | 'dropped' | 'stale' | 'failed';
export type PassCounts = { run: number; dropped: number; stale: number; failed: number };
export type ErrorSource = 'source' | 'detector' | PassName;

export class PassLedger {
  private readonly next: Record<PassName, number> = { draft: 0, confirm: 0 };
  private readonly counts: Record<PassName, PassCounts> = {
    draft: { run: 0, dropped: 0, stale: 0, failed: 0 },
    confirm: { run: 0, dropped: 0, stale: 0, failed: 0 },
  };

  /** `now` is the session's clock, in milliseconds. */
  constructor(private readonly now: () => number) {}

  /** The next window id of `pass`, taken before the pass runs so that drops show as gaps. */
  nextId(pass: PassName): number {
    return this.next[pass]++;
  }

  /**
   * The `window` payload of a pass over samples [start, end); `began` is when it started running
   * (none if it never ran).
   */
  window(
    pass: PassName,
    id: number,
    utterance: number,
    status: PassStatus,
    start: number,
    end: number,
    began?: number,
  ): LiveEventPayload {
    this.counts[pass][status === 'done' ? 'run' : status]++;
    return {
      type: 'window',
      pass,
      id,
      utterance,
      status,
      start: round(start / WHISPER_SAMPLE_RATE, 3),
      end: round(Math.max(start, end) / WHISPER_SAMPLE_RATE, 3),
      computeMs: began === undefined ? 0 : round(Math.max(0, this.now() - began), 1),
    };
  }

  /** A pass that threw: its window, failed, and the error (not fatal: the session goes on). */
  failed(
    pass: PassName,
    id: number,
    utterance: number,
    start: number,
    end: number,
    began: number,
    error: unknown,
  ): LiveEventPayload[] {
    return [
      this.window(pass, id, utterance, 'failed', start, end, began),
      errorPayload(error, pass, false),
    ];
  }

  /** The most recent window id of `pass` (0 before any). */
  latestId(pass: PassName): number {
    return Math.max(0, this.next[pass] - 1);
  }

  snapshot(): Record<PassName, PassCounts> {
    return { draft: { ...this.counts.draft }, confirm: { ...this.counts.confirm } };
  }
}

export function errorPayload(
  error: unknown,
  source: ErrorSource,
  fatal: boolean,
): LiveEventPayload {
  return { type: 'error', error: toEarshotError(error).toJSON(), source, fatal };
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
