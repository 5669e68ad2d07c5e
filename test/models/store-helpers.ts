/** Shared set-up for model store tests: a local hub with fixture models, and stores over it. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ModelStore, type ModelStoreOptions } from '../../src/models/model-store.js';
import type { DownloadEvent } from '../../src/models/progress.js';
import { buildAudioModel } from '../fixtures/audio-models.js';
import { TestHub } from '../helpers/hub-server.js';

/** Files of a small audio-embedder repository: config, fp32 and q8 graphs, and some extras. */
export function embedderRepo(seed = 1): Record<string, Buffer | string> {
  const spec = {
    task: 'embedder' as const,
    input: { kind: 'waveform' as const },
    hidden: 128,
    seed,
  };
  return {
    'config.json': JSON.stringify({ model_type: 'earshot-fixture', embedding_size: 192 }),
    'README.md': '# A fixture embedder\n',
    'onnx/model.onnx': Buffer.from(buildAudioModel(spec, 'fp32')),
    'onnx/model_quantized.onnx': Buffer.from(buildAudioModel(spec, 'q8')),
    'onnx/model_fp16.onnx': Buffer.from('not needed by these tests'),
  };
}

/** A hub started before the file's tests and closed after them. */
export function useTestHub(): () => TestHub {
  let hub: TestHub | null = null;
  beforeAll(async () => {
    hub = await TestHub.start();
  });
  afterAll(async () => {
    await hub?.close();
  });
  return () => {
    if (!hub) throw new Error('the test hub is started in beforeAll');
    return hub;
  };
}

export interface StoreUnderTest {
  store: ModelStore;
  dir: string;
  events: DownloadEvent[];
}

/** A store with its own empty cache folder, quick retries and a recorded event list. */
export function makeStore(
  hub: TestHub,
  parent: string,
  options: Partial<ModelStoreOptions> = {},
): StoreUnderTest {
  const dir = mkdtempSync(join(parent, 'cache-'));
  const events: DownloadEvent[] = [];
  const store = new ModelStore({
    dir,
    hubUrl: hub.url,
    offline: false,
    token: null,
    timeoutS: 5,
    retryDelayMs: 5,
    onProgress: (event) => events.push(event),
    ...options,
  });
  return { store, dir, events };
}
