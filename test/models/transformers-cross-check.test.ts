/**
 * The same Whisper fixture, fetched from the local hub into the model cache, is run by Earshot's
 * own loading path (store → session pool → contracts) and by transformers.js reading that cache
 * folder with local files only. Both must give the same encoder output and decoder logits, on
 * the first decoder call (whole prompt, no cache) and on a cached step.
 */
import { join } from 'node:path';
import {
  env,
  Tensor as HfTensor,
  WhisperForConditionalGeneration,
} from '@huggingface/transformers';
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAudio } from '../../src/audio/load.js';
import { logMelWindows } from '../../src/dsp/whisper-mel.js';
import { acquireModelSession } from '../../src/models/model-sessions.js';
import type { ResolvedModel } from '../../src/models/model-store.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { firstStep, nextStep } from '../fixtures/whisper-run.js';
import { JFK_FLAC } from '../helpers/paths.js';
import { useTempDir } from '../helpers/tmp.js';
import { makeStore, useTestHub } from './store-helpers.js';

const tempDir = useTempDir('earshot-cross-check-');
const hub = useTestHub();
const ID = 'earshot-fixtures/whisper-cross-check';
const PROMPT = [50258, 50259, 50359, 50363];

type HfModel = {
  _prepare_encoder_decoder_kwargs_for_generation(
    args: unknown,
  ): Promise<{ encoder_outputs: HfTensor }>;
  forward(inputs: Record<string, unknown>): Promise<Record<string, HfTensor>>;
  generation_config: unknown;
  dispose(): Promise<unknown>;
};

function values(tensor: { data: unknown }): Float32Array {
  return tensor.data as Float32Array;
}

/** Where two float arrays first differ (bit for bit), or null when they are identical. */
function firstDifference(a: Float32Array, b: Float32Array): string | null {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  const left = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const right = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (left.equals(right)) return null;
  const index = a.findIndex((value, i) => !Object.is(value, b[i]));
  return `index ${index}: ${a[index]} and ${b[index]}`;
}

describe.each(['fp32', 'q8'] as const)('transformers.js and Earshot on one %s fixture', (dtype) => {
  const pool = new SessionPool({
    executionProvider: 'cpu',
    intraOpThreads: 0,
    interOpThreads: 1,
    idleTtlS: 0,
  });
  let model: ResolvedModel<'whisper'>;
  let reference: HfModel;
  let features: Float32Array;

  beforeAll(async () => {
    const fixture = writeWhisperFixture(join(tempDir(), `source-${dtype}`), { dtypes: [dtype] });
    hub().addFolder(`${ID}-${dtype}`, fixture.folder);
    const { store, dir } = makeStore(hub(), tempDir());
    model = await store.resolve(`${ID}-${dtype}`, { kind: 'whisper', dtype });

    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = dir;
    reference = (await WhisperForConditionalGeneration.from_pretrained(`${ID}-${dtype}`, {
      dtype,
      device: 'cpu',
      local_files_only: true,
    })) as unknown as HfModel;

    const audio = await loadAudio(JFK_FLAC);
    const [window] = logMelWindows(audio.samples);
    expect(window?.nFrames).toBe(3000);
    features = (window as { data: Float32Array }).data;
  });
  afterAll(async () => {
    await reference?.dispose();
    await pool.close();
  });

  async function earshotEncoder(): Promise<Tensor> {
    const lease = await acquireModelSession(pool, model, 'encoder');
    try {
      const input = new Tensor('float32', features, [1, 80, 3000]);
      return (await lease.session.run({ input_features: input }))['last_hidden_state'] as Tensor;
    } finally {
      lease.release();
    }
  }

  async function referenceEncoder(): Promise<HfTensor> {
    const inputs = { input_features: new HfTensor('float32', features, [1, 80, 3000]) };
    const prepared = await reference._prepare_encoder_decoder_kwargs_for_generation({
      inputs_tensor: inputs.input_features,
      model_inputs: inputs,
      model_input_name: 'input_features',
      generation_config: reference.generation_config,
    });
    return prepared.encoder_outputs;
  }

  it('gives identical encoder outputs', async () => {
    const ours = await earshotEncoder();
    const theirs = await referenceEncoder();
    expect(ours.dims).toEqual(theirs.dims);
    expect(ours.dims).toEqual([1, 1500, 64]);
    expect(firstDifference(values(ours), values(theirs))).toBeNull();
  });

  it('gives identical decoder logits on the first call and on a cached step', async () => {
    const states = await earshotEncoder();
    const lease = await acquireModelSession(pool, model, 'decoder');
    const decoder: InferenceSession = lease.session;
    try {
      const first = await firstStep(decoder, states, [PROMPT]);
      const encoderOutputs = new HfTensor('float32', values(states), states.dims as number[]);
      const theirFirst = await reference.forward({
        encoder_outputs: encoderOutputs,
        decoder_input_ids: new HfTensor('int64', BigInt64Array.from(PROMPT, BigInt), [
          1,
          PROMPT.length,
        ]),
      });
      expect((first['logits'] as Tensor).dims).toEqual([1, 4, 51865]);
      expect(
        firstDifference(
          values(first['logits'] as Tensor),
          values(theirFirst['logits'] as HfTensor),
        ),
      ).toBeNull();

      const next = 1000;
      const step = await nextStep(decoder, states, first, [[next]]);
      const past: Record<string, HfTensor> = {};
      for (const [name, tensor] of Object.entries(theirFirst)) {
        if (name.startsWith('present.'))
          past[name.replace('present.', 'past_key_values.')] = tensor;
      }
      const theirStep = await reference.forward({
        encoder_outputs: encoderOutputs,
        decoder_input_ids: new HfTensor('int64', BigInt64Array.from([BigInt(next)]), [1, 1]),
        past_key_values: past,
      });
      expect((step['logits'] as Tensor).dims).toEqual([1, 1, 51865]);
      expect(
        firstDifference(values(step['logits'] as Tensor), values(theirStep['logits'] as HfTensor)),
      ).toBeNull();
      expect(
        firstDifference(
          values(step['cross_attentions.1'] as Tensor),
          values(theirStep['cross_attentions.1'] as HfTensor),
        ),
      ).toBeNull();
    } finally {
      lease.release();
    }
  });
});
