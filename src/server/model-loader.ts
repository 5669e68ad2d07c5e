/**
 * The default way a server turns a model id into a `TranscriptionModel`: the model store
 * resolves the id (a hub id, downloaded on first use unless offline, or a local folder) and the
 * Whisper engine loads it through the shared session pool.
 */
import { openTranscriptionModel } from '../asr/load-model.js';
import type { Dtype } from '../models/dtypes.js';
import type { ModelStore } from '../models/model-store.js';
import type { SessionPool } from '../models/session-pool.js';
import type { ModelLoader } from './model-registry.js';

export interface StoreModelLoaderOptions {
  store: ModelStore;
  pool: SessionPool;
  /** Weight format to load (`asr.dtype`). */
  dtype: Dtype;
}

export function storeModelLoader(options: StoreModelLoaderOptions): ModelLoader {
  return (modelId) => openTranscriptionModel(modelId, options);
}
