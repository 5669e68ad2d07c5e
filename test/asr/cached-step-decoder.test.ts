import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  cachedStepAgrees,
  deriveCachedStepDecoder,
} from '../../src/asr/whisper/cached-step-decoder.js';
import { readWhisperFolder } from '../../src/asr/whisper/model-files.js';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir('earshot-cached-step-');

function fixture(name: string, seed = 1) {
  const folder = join(tempDir(), name);
  writeWhisperFixture(folder, { seed });
  const path = join(folder, 'onnx', 'decoder_model_merged.onnx');
  return { folder, path, bytes: new Uint8Array(readFileSync(path)) };
}

describe('the cached-step decoder derived from a merged decoder', () => {
  it('reads only tokens and caches and outputs only logits and the self-attention cache', async () => {
    const { path, bytes } = fixture('shape');
    const session = await InferenceSession.create(deriveCachedStepDecoder(bytes, path));
    expect(session.inputNames).not.toContain('use_cache_branch');
    expect(session.inputNames).not.toContain('encoder_hidden_states');
    expect(session.inputNames).toContain('input_ids');
    expect(session.inputNames.filter((name) => name.startsWith('past_key_values.'))).toHaveLength(
      8,
    );
    expect(session.outputNames).toEqual([
      'logits',
      'present.0.decoder.key',
      'present.0.decoder.value',
      'present.1.decoder.key',
      'present.1.decoder.value',
    ]);
    await session.release();
  });

  it("gives the merged decoder's logits, and a graph from other weights does not", async () => {
    const own = fixture('own', 1);
    const other = fixture('other', 2);
    const { architecture } = await readWhisperFolder(own.folder);
    const merged = await InferenceSession.create(own.path);
    const derived = await InferenceSession.create(deriveCachedStepDecoder(own.bytes, own.path));
    const foreign = await InferenceSession.create(deriveCachedStepDecoder(other.bytes, other.path));
    expect(await cachedStepAgrees(merged, derived, architecture, 'float32')).toBe(true);
    expect(await cachedStepAgrees(merged, foreign, architecture, 'float32')).toBe(false);
    await Promise.all([merged.release(), derived.release(), foreign.release()]);
  });

  it('refuses a graph without the cache switch', () => {
    const { folder } = fixture('encoder');
    const encoderPath = join(folder, 'onnx', 'encoder_model.onnx');
    expect(() =>
      deriveCachedStepDecoder(new Uint8Array(readFileSync(encoderPath)), encoderPath),
    ).toThrow(/no If on use_cache_branch/);
  });
});
