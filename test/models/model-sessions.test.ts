import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { EarshotError } from '../../src/errors.js';
import { acquireModelSession } from '../../src/models/model-sessions.js';
import { ModelStore } from '../../src/models/model-store.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { writeAudioModelFixture } from '../fixtures/audio-models.js';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { argmax, firstStep, logitRow, nextStep } from '../fixtures/whisper-run.js';
import { useTempDir } from '../helpers/tmp.js';
import { makeStore, useTestHub } from './store-helpers.js';

const tempDir = useTempDir('earshot-model-sessions-');
const hub = useTestHub();
const pool = new SessionPool({
  executionProvider: 'cpu',
  intraOpThreads: 1,
  interOpThreads: 1,
  idleTtlS: 0,
});
afterAll(() => pool.close());

function localStore(): ModelStore {
  return new ModelStore({
    dir: tempDir(),
    hubUrl: 'http://127.0.0.1:9',
    offline: true,
    token: null,
    timeoutS: 1,
  });
}

async function earshotError(promise: Promise<unknown>): Promise<EarshotError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EarshotError);
  return error as EarshotError;
}

describe('loading resolved models', () => {
  it('runs a Whisper model fetched from the hub through the pool with the Optimum contracts', async () => {
    const fixture = writeWhisperFixture(join(tempDir(), 'whisper-source'), { dtypes: ['q8'] });
    hub().addFolder('earshot-fixtures/whisper-sessions', fixture.folder);
    const { store } = makeStore(hub(), tempDir());
    const model = await store.resolve('earshot-fixtures/whisper-sessions', {
      kind: 'whisper',
      dtype: 'q8',
    });

    const encoder = await acquireModelSession(pool, model, 'encoder');
    const decoder = await acquireModelSession(pool, model, 'decoder');
    try {
      const features = new Tensor('float32', new Float32Array(80 * 3000).fill(-0.5), [1, 80, 3000]);
      const states = (await encoder.session.run({ input_features: features }))[
        'last_hidden_state'
      ] as Tensor;
      expect(states.dims).toEqual([1, 1500, 64]);
      // Greedy decoding for a few steps through the cache.
      const tokens = [50258, 50259, 50359, 50363];
      let outputs = await firstStep(decoder.session, states, [tokens]);
      for (let step = 0; step < 3; step++) {
        const logits = outputs['logits'] as Tensor;
        const next = argmax(logitRow(logits, (logits.dims[1] as number) - 1));
        tokens.push(next);
        outputs = await nextStep(decoder.session, states, outputs, [[next]]);
      }
      expect(tokens).toHaveLength(7);
      expect(outputs['present.0.decoder.key']?.dims).toEqual([1, 4, 7, 16]);
    } finally {
      encoder.release();
      decoder.release();
    }
    expect(pool.loaded().sort()).toEqual([model.files.decoder, model.files.encoder].sort());
  });

  it('refuses a graph that is not a Whisper encoder, saying what it expected and found', async () => {
    const folder = join(tempDir(), 'wrong-encoder');
    writeWhisperFixture(folder, { parts: ['decoder'] });
    const classifier = writeAudioModelFixture(join(tempDir(), 'classifier'), {
      task: 'utterance-classifier',
      input: { kind: 'features', features: 80 },
    });
    copyFileSync(
      join(classifier.folder, 'onnx', 'model.onnx'),
      join(folder, 'onnx', 'encoder_model.onnx'),
    );
    const model = await localStore().resolve(folder, { kind: 'whisper' });
    const error = await earshotError(acquireModelSession(pool, model, 'encoder'));
    expect(error.code).toBe('model_contract_mismatch');
    expect(error.message).toContain('missing output last_hidden_state (float32|float16, rank 3)');
    expect(error.message).toContain(
      'It has inputs input_features (float32 [batch_size, frames, 80]) and outputs logits (float32 [batch_size, 4])',
    );
  });

  it('reports a damaged graph as model_corrupt', async () => {
    const folder = join(tempDir(), 'damaged-decoder');
    writeWhisperFixture(folder, { parts: ['encoder'] });
    writeFileSync(join(folder, 'onnx', 'decoder_model_merged.onnx'), 'truncated download');
    const model = await localStore().resolve(folder, { kind: 'whisper' });
    expect((await earshotError(acquireModelSession(pool, model, 'decoder'))).code).toBe(
      'model_corrupt',
    );
  });

  it('only loads ONNX files', async () => {
    const folder = join(tempDir(), 'embedder');
    writeAudioModelFixture(folder, { task: 'embedder', input: { kind: 'waveform' } });
    const model = await localStore().resolve(folder, { kind: 'audio-embedder' });
    const error = await earshotError(acquireModelSession(pool, model, 'config'));
    expect(error.code).toBe('invalid_parameter');
    const lease = await acquireModelSession(pool, model, 'model');
    expect(lease.session.outputNames).toEqual(['embeddings']);
    lease.release();
  });
});
