/**
 * Whisper's encoder adds a fixed table of 1500 positions to its input, so published exports only
 * run on 30-second windows (3000 mel frames), whatever the length of the audio: a live pass over
 * three seconds pays for thirty. This module derives, from the encoder file itself, a graph that
 * adds only the first T positions for an input of 2T frames (whisper.cpp's `audio_ctx`). On a
 * full window it computes exactly what the original does, which the engine checks on a probe
 * before using it; on a shorter window it is several times cheaper, at some accuracy cost, since
 * Whisper was trained on 30-second windows (the `audioContext: 'content'` transcription option).
 */
import type { onnx } from 'onnx-proto';
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelError } from '../../errors.js';
import type { ModelContract } from '../../models/contract.js';
import { derivedModelFile } from '../../models/derived-files.js';
import { decodeOnnxMessage, encodeOnnxMessage, ONNX_INT64 } from '../../models/onnx-proto.js';
import type { DerivedModel } from '../../models/session-pool.js';
import { float32ToFloat16 } from './float16.js';
import { toFloat32 } from './onnx-decoder-stepper.js';

const FLOAT = ['float32', 'float16'] as const;

/** What the derived graph must look like to be used (the original encoder's contract). */
export const VARIABLE_LENGTH_ENCODER_CONTRACT: ModelContract = {
  description: 'Whisper variable-length encoder (derived from the encoder)',
  inputs: [{ name: 'input_features', type: FLOAT, rank: 3 }],
  outputs: [{ name: 'last_hidden_state', type: FLOAT, rank: 3 }],
};

/** Positions of the encoder's table (one per two mel frames of a 30-second window). */
const POSITIONS = 1500;
const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL
const PREFIX = 'earshot_variable_length';

function fail(path: string, reason: string): never {
  throw new ModelError(
    'model_contract_mismatch',
    `Cannot derive a variable-length encoder from ${path}: ${reason}.`,
  );
}

const dimension = (value: unknown): number => Number(String(value));

/**
 * The static shape of a value computed from constants alone (an initializer, a `Constant`, a
 * `Gather` of constant rows, or a cast of one of these), or undefined for a value that depends on
 * the input.
 */
function constantShapes(graph: onnx.IGraphProto): (name: string) => number[] | undefined {
  const initializers = new Map(
    (graph.initializer ?? []).map((tensor) => [
      tensor.name ?? '',
      (tensor.dims ?? []).map(dimension),
    ]),
  );
  const producers = new Map<string, onnx.INodeProto>();
  for (const node of graph.node ?? [])
    for (const output of node.output ?? []) producers.set(output, node);
  const shapeOf = (name: string, depth = 0): number[] | undefined => {
    const initializer = initializers.get(name);
    if (initializer) return initializer;
    const node = producers.get(name);
    if (!node || depth > 4) return undefined;
    const inputs = node.input ?? [];
    switch (node.opType) {
      case 'Constant': {
        const value = node.attribute?.find((attribute) => attribute.name === 'value')?.t;
        return value ? (value.dims ?? []).map(dimension) : undefined;
      }
      case 'Cast':
      case 'Identity':
        return shapeOf(inputs[0] ?? '', depth + 1);
      case 'Gather': {
        const axis = node.attribute?.find((attribute) => attribute.name === 'axis')?.i ?? 0;
        const data = shapeOf(inputs[0] ?? '', depth + 1);
        const indices = shapeOf(inputs[1] ?? '', depth + 1);
        if (!data || !indices || dimension(axis) !== 0) return undefined;
        return [...indices, ...data.slice(1)];
      }
      default:
        return undefined;
    }
  };
  return (name) => shapeOf(name);
}

/** Builds the variable-length graph from the bytes of a Whisper encoder. */
export function deriveVariableLengthEncoder(bytes: Uint8Array, path: string): Uint8Array {
  const model = decodeOnnxMessage(bytes, path);
  const graph = model.graph as onnx.GraphProto;
  if ((graph.initializer ?? []).some((tensor) => tensor.dataLocation === EXTERNAL))
    fail(path, 'its weights are stored in an external data file');
  const shapeOf = constantShapes(graph);
  const nodes = graph.node ?? [];
  // The first Add of an input-dependent value and a constant table of 1500 positions.
  let at = -1;
  let tableIndex = -1;
  for (let i = 0; i < nodes.length && at < 0; i++) {
    const node = nodes[i] as onnx.INodeProto;
    if (node.opType !== 'Add' || (node.input ?? []).length !== 2) continue;
    const shapes = (node.input ?? []).map((name) => shapeOf(name));
    const table = shapes.findIndex((shape) => shape !== undefined && shape.at(-2) === POSITIONS);
    if (table >= 0 && shapes[1 - table] === undefined) {
      at = i;
      tableIndex = table;
    }
  }
  if (at < 0) fail(path, `it has no Add of a ${POSITIONS}-position table`);
  const add = nodes[at] as onnx.INodeProto;
  const inputs = add.input as string[];
  const table = inputs[tableIndex] as string;
  const hidden = inputs[1 - tableIndex] as string;
  const tableRank = (shapeOf(table) as number[]).length;

  // positions = table[..., :shape(hidden)[1], :]
  const int64 = (name: string, values: number[]) => ({
    name: `${PREFIX}/${name}`,
    dims: [values.length],
    dataType: ONNX_INT64,
    int64Data: values,
  });
  graph.initializer = [
    ...(graph.initializer ?? []),
    int64('zero', [0]),
    int64('one', [1]),
    int64('two', [2]),
    int64('table_axis', [tableRank - 2]),
  ] as onnx.TensorProto[];
  const added: onnx.INodeProto[] = [
    {
      opType: 'Shape',
      input: [hidden],
      output: [`${PREFIX}/hidden_shape`],
      name: `${PREFIX}/shape`,
    },
    {
      opType: 'Slice',
      input: [`${PREFIX}/hidden_shape`, `${PREFIX}/one`, `${PREFIX}/two`, `${PREFIX}/zero`],
      output: [`${PREFIX}/length`],
      name: `${PREFIX}/length`,
    },
    {
      opType: 'Slice',
      input: [table, `${PREFIX}/zero`, `${PREFIX}/length`, `${PREFIX}/table_axis`],
      output: [`${PREFIX}/positions`],
      name: `${PREFIX}/positions`,
    },
  ];
  inputs[tableIndex] = `${PREFIX}/positions`;
  graph.node = [...nodes.slice(0, at), ...added, ...nodes.slice(at)] as onnx.NodeProto[];

  // Declared lengths become symbolic, and shapes recorded for 1500 positions are re-inferred.
  const free = (value: onnx.IValueInfoProto | undefined, axis: number, name: string) => {
    const dims = value?.type?.tensorType?.shape?.dim;
    if (dims?.[axis]) dims[axis] = { dimParam: name };
  };
  free(
    graph.input?.find((value) => value.name === 'input_features'),
    2,
    'encoder_sequence_length',
  );
  free(
    graph.output?.find((value) => value.name === 'last_hidden_state'),
    1,
    'encoder_sequence_length / 2',
  );
  graph.valueInfo = [];
  return encodeOnnxMessage(model);
}

/** The derivation as the session pool takes it, for when it cannot be kept on disk. */
export const VARIABLE_LENGTH_ENCODER: DerivedModel = {
  key: 'variable-length',
  build: deriveVariableLengthEncoder,
};

/** Bumped when the derivation changes, so files derived by an older one are rebuilt. */
const DERIVATION_VERSION = 1;

/** The derived graph's file next to the model (see `derived-files.ts`), or null. */
export function variableLengthEncoderFile(encoderPath: string): Promise<string | null> {
  return derivedModelFile(encoderPath, VARIABLE_LENGTH_ENCODER, DERIVATION_VERSION);
}

function probeFeatures(nMels: number, frames: number, type: 'float32' | 'float16'): Tensor {
  let state = 2024;
  const values = new Float32Array(nMels * frames).map(() => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  });
  return type === 'float16'
    ? new Tensor('float16', float32ToFloat16(values), [1, nMels, frames])
    : new Tensor('float32', values, [1, nMels, frames]);
}

/**
 * Whether the derived graph gives the original's states (to 1e-4 of their scale) on a full window
 * of random features, and runs on a short window (two seconds) giving one state per two frames.
 */
export async function variableLengthEncoderAgrees(
  original: InferenceSession,
  derived: InferenceSession,
  nMels: number,
  type: 'float32' | 'float16',
): Promise<boolean> {
  const full = probeFeatures(nMels, POSITIONS * 2, type);
  const expected = (await original.run({ input_features: full }))['last_hidden_state'] as Tensor;
  const actual = (await derived.run({ input_features: full }))['last_hidden_state'] as Tensor;
  const a = toFloat32(expected);
  const b = toFloat32(actual);
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i] as number));
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  }
  if (a.length !== b.length || worst > 1e-4 * scale) return false;
  const short = (await derived.run({ input_features: probeFeatures(nMels, 200, type) }))[
    'last_hidden_state'
  ] as Tensor;
  return short.dims[1] === 100 && short.dims[2] === expected.dims[2];
}
