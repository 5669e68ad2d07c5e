/**
 * What a live session hands the pipeline as audio comes in: speech events to emit now, and
 * requests for the draft and confirm passes.
 */
import type { LiveEventPayload } from './events.js';

export interface DraftRequest {
  id: number;
  utterance: number;
  /** Sample the window ends at. */
  end: number;
}

export interface ConfirmRequest {
  utterance: number;
  end: number;
  /** The utterance is over: commit everything and close it. */
  final: boolean;
  reason: 'endpoint' | 'end';
  /** For final requests, the audio copied when the utterance closed, and where it starts. */
  audio?: Float32Array;
  start?: number;
}

export type SessionNote =
  | { kind: 'events'; payloads: LiveEventPayload[] }
  | { kind: 'draft'; request: DraftRequest }
  | { kind: 'confirm'; request: ConfirmRequest };
