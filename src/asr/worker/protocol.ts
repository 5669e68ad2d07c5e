/**
 * Messages between a `WorkerTranscriptionModel` and the worker thread that runs its engine.
 * Options travel without their functions and signal: the worker reports progress and segments
 * as messages, and an abort is a message too.
 */
import type { ResolvedModel } from '../../models/model-store.js';
import type { SessionPoolOptions } from '../../models/session-pool.js';
import type {
  LanguageDetection,
  TranscribeOptions,
  TranscriptionProgress,
  TranscriptionResult,
  TranscriptionSegment,
} from '../types.js';

export interface ModelWorkerData {
  model: ResolvedModel<'whisper'>;
  pool: SessionPoolOptions;
}

/** The options that cross the thread boundary (plain data only). */
export type PortableOptions = Omit<TranscribeOptions, 'signal' | 'onProgress' | 'onSegment'> & {
  reportProgress?: boolean;
  reportSegments?: boolean;
};

export type ToWorker =
  | {
      type: 'transcribe';
      id: number;
      samples: Float32Array;
      sampleRate: number;
      options: PortableOptions;
    }
  | { type: 'detect'; id: number; samples: Float32Array; sampleRate: number }
  | { type: 'abort'; id: number };

export interface PortableError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; error: PortableError }
  | { type: 'result'; id: number; result: TranscriptionResult | LanguageDetection }
  | { type: 'error'; id: number; error: PortableError }
  | { type: 'progress'; id: number; progress: TranscriptionProgress }
  | { type: 'segment'; id: number; segment: TranscriptionSegment };
