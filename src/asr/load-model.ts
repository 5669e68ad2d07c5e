/**
 * Opening a speech recognition model by reference: the store resolves (and, unless offline,
 * downloads) its files, and the engine loads them through the shared session pool.
 */
import type { Dtype } from '../models/dtypes.js';
import type { ModelStore } from '../models/model-store.js';
import type { DownloadListener } from '../models/progress.js';
import type { SessionPool } from '../models/session-pool.js';
import type { VadModel } from '../vad/vad-model.js';
import type { TranscriptionModel } from './types.js';
import { WhisperModel } from './whisper/whisper-model.js';
import { WorkerTranscriptionModel } from './worker/worker-model.js';

export interface OpenModelOptions {
  dtype: Dtype;
  store: ModelStore;
  pool: SessionPool;
  onProgress?: DownloadListener;
  signal?: AbortSignal;
  /** Serves the `vad` transcription option (default: the packaged Silero v5). */
  vad?: VadModel;
  /**
   * Run the model in a worker thread (see `worker-model.ts`), with a session pool of its own
   * configured as `pool`, so that its inference does not stop the calling thread. Default false.
   */
  inWorker?: boolean;
}

/** Resolves `ref` (hub id or folder) as a Whisper model and loads it. */
export async function openTranscriptionModel(
  ref: string,
  options: OpenModelOptions,
): Promise<TranscriptionModel> {
  const resolved = await options.store.resolve(ref, {
    kind: 'whisper',
    dtype: options.dtype,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (options.inWorker) return WorkerTranscriptionModel.open(resolved, options.pool.options);
  return WhisperModel.load(resolved, options.pool, options.vad ? { vad: options.vad } : {});
}
