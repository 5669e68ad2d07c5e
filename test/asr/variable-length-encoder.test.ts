import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  deriveVariableLengthEncoder,
  variableLengthEncoderAgrees,
} from '../../src/asr/whisper/variable-length-encoder.js';
import { encodeOnnxMessage } from '../../src/models/onnx-proto.js';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir('earshot-variable-length-');

function fixture(name: string, seed = 1) {
  const folder = join(tempDir(), name);
  writeWhisperFixture(folder, { seed });
  const path = join(folder, 'onnx', 'encoder_model.onnx');
  return { folder, path, bytes: new Uint8Array(readFileSync(path)) };
}

async function states(session: InferenceSession, frames: number): Promise<Tensor> {
  const features = new Tensor('float32', new Float32Array(80 * frames).fill(0.25), [1, 80, frames]);
  return (await session.run({ input_features: features }))['last_hidden_state'] as Tensor;
}

/**
 * The fixture's position table read through `Gather(table, 0…1499)`, as exports that index
 * `embed_positions` with `arange` have it.
 */
function withGatheredPositions(bytes: Uint8Array): Uint8Array {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const graph = model.graph as onnxProto.onnx.GraphProto;
  const table = graph.initializer.find((tensor) => Number(tensor.dims?.[0]) === 1500)?.name;
  const add = graph.node.find(
    (node) => node.opType === 'Add' && (node.input ?? []).includes(table ?? ''),
  );
  if (!table || !add) throw new Error('fixture has no position Add');
  graph.initializer.push(
    onnxProto.onnx.TensorProto.create({
      name: 'all_positions',
      dims: [1500],
      dataType: 7,
      int64Data: Array.from({ length: 1500 }, (_, i) => i),
    }),
  );
  const gather = onnxProto.onnx.NodeProto.create({
    opType: 'Gather',
    input: [table, 'all_positions'],
    output: ['gathered_positions'],
    name: 'gather_positions',
  });
  add.input = (add.input ?? []).map((name) => (name === table ? 'gathered_positions' : name));
  graph.node.splice(graph.node.indexOf(add), 0, gather);
  return encodeOnnxMessage(model);
}

describe('the variable-length encoder derived from a Whisper encoder', () => {
  it('gives the same states on a full window and one state per two frames on short ones', async () => {
    const { path, bytes } = fixture('own');
    // Fatal-only logging: the original is made to fail below, and need not print it.
    const original = await InferenceSession.create(path, { logSeverityLevel: 4 });
    const derived = await InferenceSession.create(deriveVariableLengthEncoder(bytes, path));
    expect(await variableLengthEncoderAgrees(original, derived, 80, 'float32')).toBe(true);
    const full = await states(derived, 3000);
    const expected = (await states(original, 3000)).data as Float32Array;
    const worst = (full.data as Float32Array).reduce(
      (max, value, i) => Math.max(max, Math.abs(value - (expected[i] as number))),
      0,
    );
    expect(worst).toBeLessThan(1e-5);
    for (const frames of [100, 300, 2000]) {
      expect((await states(derived, frames)).dims).toEqual([1, frames / 2, full.dims[2]]);
    }
    // The original refuses anything but 30-second windows.
    await expect(states(original, 300)).rejects.toThrow();
    await Promise.all([original.release(), derived.release()]);
  });

  it('finds the table behind a Gather of constant positions', async () => {
    const { path, bytes } = fixture('gathered');
    const gathered = withGatheredPositions(bytes);
    const original = await InferenceSession.create(gathered);
    const derived = await InferenceSession.create(deriveVariableLengthEncoder(gathered, path));
    expect(await variableLengthEncoderAgrees(original, derived, 80, 'float32')).toBe(true);
    await Promise.all([original.release(), derived.release()]);
  });

  it('does not agree with an encoder of other weights', async () => {
    const own = fixture('mine', 1);
    const other = fixture('theirs', 2);
    const original = await InferenceSession.create(own.path);
    const foreign = await InferenceSession.create(
      deriveVariableLengthEncoder(other.bytes, other.path),
    );
    expect(await variableLengthEncoderAgrees(original, foreign, 80, 'float32')).toBe(false);
    await Promise.all([original.release(), foreign.release()]);
  });

  it('refuses a graph without a position table', () => {
    const { folder } = fixture('decoder');
    const decoderPath = join(folder, 'onnx', 'decoder_model_merged.onnx');
    expect(() =>
      deriveVariableLengthEncoder(new Uint8Array(readFileSync(decoderPath)), decoderPath),
    ).toThrow(/no Add of a 1500-position table/);
  });
});
