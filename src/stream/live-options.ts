/**
 * Options of a live session: the two passes (which model does what) and the timing that trades
 * latency, flicker and compute against each other.
 */
import type { Observable, SchedulerLike } from 'rxjs';
import type { TranscribeOptions, TranscriptionModel } from '../asr/types.js';
import { InvalidRequestError } from '../errors.js';
import type { EndpointDetector } from './endpoints.js';
import type { LiveEventPayload } from './events.js';

/** A model in one role, with the options every call gets (language, token budgets, …). */
export interface LivePassConfig {
  model: TranscriptionModel;
  options?: TranscribeOptions;
}

export interface LiveTiming {
  /** New audio between draft passes, in ms. Default 250. */
  draftStepMs: number;
  /** New audio between confirm passes, in ms (an endpoint also triggers one). Default 1000. */
  confirmStepMs: number;
  /** Confirm hypotheses that must agree before words are committed (LocalAgreement-n). Default 2. */
  agreement: number;
  /** Trailing draft words withheld: more means less flicker and more latency. Default 1. */
  holdBack: number;
  /** Once the buffer is this long, the segment closes at the commit cursor and the buffer is trimmed there. Default 15. */
  trimAfterS: number;
  /** Once the buffer is this long, words are committed without agreement (all but the last second). Default 25. */
  maxBufferS: number;
  /** Least unconfirmed audio a draft pass runs on, in ms. Default 300. */
  minDraftMs: number;
  /** Audio kept between utterances so a detector may place a start in the recent past, in ms. Default 1000. */
  preRollMs: number;
}

export const LIVE_TIMING_DEFAULTS: Readonly<LiveTiming> = Object.freeze({
  draftStepMs: 250,
  confirmStepMs: 1000,
  agreement: 2,
  holdBack: 1,
  trimAfterS: 15,
  maxBufferS: 25,
  minDraftMs: 300,
  preRollMs: 1000,
});

/** What a session measures about itself, for monitoring and boundedness checks. */
export interface LiveStats {
  /** Seconds of audio received. */
  audioS: number;
  /** Seconds of audio kept in the buffer. */
  bufferS: number;
  /** Seconds the buffer's storage holds. */
  bufferCapacityS: number;
  /** Confirmed (not yet final) and draft words held by fusion. */
  openWords: number;
  /** Words of earlier confirm hypotheses held for agreement. */
  agreementWords: number;
  /** Confirm requests waiting for the confirm pass. */
  queuedConfirms: number;
}

export interface LiveOptions extends Partial<LiveTiming> {
  /** The fast pass; null runs without drafts (confirmed text only, as whisper_streaming does). */
  draft: LivePassConfig | null;
  /** The accurate pass. The same model object as `draft` runs single-model mode. */
  confirm: LivePassConfig;
  /** Closes utterances at speech boundaries; without one the input is one long utterance. */
  detector?: EndpointDetector | null;
  /** Clock for event times and timers; tests pass a virtual-time scheduler. */
  scheduler?: SchedulerLike;
  /** Speaker index in alignment ids. Default 0. */
  speaker?: number;
  sessionId?: string;
  /** How fast the source delivers audio relative to real time (for latency metrics). Default 1. */
  speed?: number;
  /** Called with the session's sizes after every chunk of audio. */
  onStats?: (stats: LiveStats) => void;
  /**
   * Events from outside the pipeline (a server refusing a client's message) to carry in the
   * session's stream, stamped in order with its own events, until the passes have finished.
   */
  notices?: Observable<LiveEventPayload>;
}

/** The timing with defaults filled in, checked for values that cannot work. */
export function resolveTiming(options: Partial<LiveTiming>): LiveTiming {
  const timing: LiveTiming = { ...LIVE_TIMING_DEFAULTS };
  for (const key of Object.keys(LIVE_TIMING_DEFAULTS) as Array<keyof LiveTiming>) {
    const value = options[key];
    if (value !== undefined) timing[key] = value;
  }
  const positive = ['draftStepMs', 'confirmStepMs', 'trimAfterS', 'maxBufferS'] as const;
  for (const key of positive) {
    if (!(Number.isFinite(timing[key]) && timing[key] > 0)) {
      throw new InvalidRequestError(
        'invalid_parameter',
        `${key} must be positive, got ${timing[key]}.`,
      );
    }
  }
  for (const key of ['minDraftMs', 'preRollMs'] as const) {
    if (!(Number.isFinite(timing[key]) && timing[key] >= 0)) {
      throw new InvalidRequestError(
        'invalid_parameter',
        `${key} must not be negative, got ${timing[key]}.`,
      );
    }
  }
  if (!(Number.isInteger(timing.agreement) && timing.agreement >= 1)) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `agreement must be an integer ≥ 1, got ${timing.agreement}.`,
    );
  }
  if (!(Number.isInteger(timing.holdBack) && timing.holdBack >= 0)) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `holdBack must be an integer ≥ 0, got ${timing.holdBack}.`,
    );
  }
  if (timing.maxBufferS <= timing.trimAfterS + 1) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `maxBufferS (${timing.maxBufferS}) must exceed trimAfterS (${timing.trimAfterS}) by more than a second.`,
    );
  }
  return timing;
}
