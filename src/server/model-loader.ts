/**
 * The default way a server turns a model id into a `TranscriptionModel`: the model store
 * resolves the id (a hub id, downloaded on first use unless offline, or a local folder) and the
 * Whisper engine loads it through the shared session pool, or, with `inWorker`, in a worker
 * thread with a pool configured like it (the worker's VAD is its own packaged Silero).
 */
import { openTranscriptionModel } from '../asr/load-model.js';
import type { Dtype } from '../models/dtypes.js';
import type { ModelStore } from '../models/model-store.js';
import type { SessionPool } from '../models/session-pool.js';
import type { VadModel } from '../vad/vad-model.js';
import type { ModelLoader } from './model-registry.js';

export interface StoreModelLoaderOptions {
  store: ModelStore;
  pool: SessionPool;
  /** Weight format to load (`asr.dtype`). */
  dtype: Dtype;
  /** The VAD behind `vad_filter` and `chunking_strategy` (default: the packaged Silero v5). */
  vad?: VadModel;
  /** Each model in a worker thread of its own (`server.modelWorkers`); default false. */
  inWorker?: boolean;
}

export function storeModelLoader(options: StoreModelLoaderOptions): ModelLoader {
  return (modelId) => openTranscriptionModel(modelId, options);
}
