/**
 * Silero VAD v5/v6 rebuilt as a sequence graph. The published file scores one frame per call:
 * over a hundred small operators, nested `If`s and a 1-step LSTM, so a run costs far more in
 * dispatch than in arithmetic. The same network, with the same weights taken from the same file,
 * is laid out here for N consecutive frames at once: the STFT and the four convolutions become
 * matrix products over all frames (im2col with constant `Gather` indices), and the LSTM runs over
 * the N frames as one sequence with the state carried in and out.
 *
 * Inputs `frames [N, context + frame]` (each row is what the original takes as `input`) and
 * `state [2, 1, 128]`; outputs `probabilities [N]` and `stateN`. Its probabilities agree with the
 * original's to a few 1e-6 and do not depend on how frames are grouped into calls.
 * `verifySileroSequence` checks that agreement on every file before it is used.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelError } from '../errors.js';
import type { ModelContract } from '../models/contract.js';
import {
  encodeOnnx,
  floatTensor,
  floatValues,
  int64Tensor,
  ONNX_FLOAT,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from '../models/onnx-proto.js';

/** Frame layout of one native rate. */
export interface SileroFraming {
  sampleRate: number;
  frame: number;
  context: number;
}

export const SILERO_SEQUENCE_CONTRACT: ModelContract = {
  description: 'Silero VAD sequence graph',
  inputs: [
    { name: 'frames', type: ['float32'], rank: 2 },
    { name: 'state', type: ['float32'], rank: 3 },
  ],
  outputs: [
    { name: 'probabilities', type: ['float32'], rank: 1 },
    { name: 'stateN', type: ['float32'], rank: 3 },
  ],
};

const HIDDEN = 128;
/** [output channels, input channels, stride] of the four encoder convolutions (kernel 3, pad 1). */
const encoderLayers = (bins: number) =>
  [
    [128, bins, 1],
    [64, 128, 2],
    [64, 64, 2],
    [128, 64, 1],
  ] as const;

interface Weight {
  dims: number[];
  data: Float32Array;
}

function mismatch(path: string, problem: string): ModelError {
  return new ModelError(
    'model_contract_mismatch',
    `${path} is not a Silero VAD v5/v6 model Earshot can run: ${problem}.`,
    { details: { path, problem } },
  );
}

/** Every float constant and initializer of a graph, by name. */
function constants(graph: OnnxGraph): Map<string, Weight> {
  const found = new Map<string, Weight>();
  const add = (name: string | undefined, tensor: OnnxTensor | undefined) => {
    if (name && tensor && tensor.dataType === ONNX_FLOAT)
      found.set(name, { dims: tensor.dims ?? [], data: floatValues(tensor) });
  };
  for (const tensor of graph.initializer ?? []) add(tensor.name, tensor);
  for (const node of graph.node) {
    if (node.opType === 'Constant') add(node.output[0], node.attribute?.[0]?.t);
  }
  return found;
}

/** The branch of the sample-rate `If` that holds the network for `framing`. */
function branchFor(model: OnnxModel, framing: SileroFraming, path: string): Map<string, Weight> {
  const names = new Set([
    ...model.graph.input.map((value) => value.name),
    ...model.graph.output.map((value) => value.name),
  ]);
  const missing = ['input', 'state', 'sr', 'output', 'stateN'].filter((name) => !names.has(name));
  if (missing.length > 0) {
    throw mismatch(path, `missing input/output ${missing.join(', ')}`);
  }
  const kernel = 4 * framing.context;
  const branches = model.graph.node
    .filter((node) => node.opType === 'If')
    .flatMap((node) => (node.attribute ?? []).map((attribute) => attribute.g))
    .filter((graph): graph is OnnxGraph => graph !== undefined)
    .map(constants);
  const branch = branches.find((weights) =>
    [...weights].some(
      ([name, weight]) => name.endsWith('stft.forward_basis_buffer') && weight.dims[2] === kernel,
    ),
  );
  if (!branch) throw mismatch(path, `no ${framing.sampleRate} Hz branch with an STFT of ${kernel}`);
  return branch;
}

function weight(branch: Map<string, Weight>, name: string, dims: number[], path: string): Weight {
  const entry = [...branch].find(([key]) => key.endsWith(name))?.[1];
  if (!entry) throw mismatch(path, `weight ${name} not found`);
  if (entry.dims.length !== dims.length || entry.dims.some((dim, i) => dim !== dims[i])) {
    throw mismatch(path, `weight ${name} is [${entry.dims}], expected [${dims}]`);
  }
  return entry;
}

/** Conv weight [out, in, k] as the [k·in, out] matrix that multiplies im2col rows. */
function im2colMatrix({ dims, data }: Weight): Float32Array {
  const [outputs, inputs, kernel] = dims as [number, number, number];
  const matrix = new Float32Array(kernel * inputs * outputs);
  for (let o = 0; o < outputs; o++)
    for (let c = 0; c < inputs; c++)
      for (let k = 0; k < kernel; k++)
        matrix[(k * inputs + c) * outputs + o] = data[(o * inputs + c) * kernel + k] as number;
  return matrix;
}

/** PyTorch's LSTM gate order (i, f, g, o) to ONNX's (i, o, f, c), rows of `width` values. */
function onnxGateOrder(data: Float32Array, width: number): Float32Array {
  const block = HIDDEN * width;
  const out = new Float32Array(data.length);
  [0, 3, 1, 2].forEach((gate, i) => {
    out.set(data.subarray(gate * block, (gate + 1) * block), i * block);
  });
  return out;
}

/** Builds the sequence graph for one native rate from the weights of a Silero v5/v6 file. */
export function buildSileroSequence(
  model: OnnxModel,
  framing: SileroFraming,
  path: string,
): Uint8Array {
  const branch = branchFor(model, framing, path);
  const input = framing.context + framing.frame;
  const kernel = 4 * framing.context; // STFT window: 256 at 16 kHz, 128 at 8 kHz
  const hop = kernel / 2;
  const pad = kernel / 4; // reflection padding on the right of each frame
  const bins = kernel / 2 + 1;
  const steps = (input + pad - kernel) / hop + 1;

  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const node = (
    opType: string,
    inputs: string[],
    output: string,
    attribute: OnnxNode['attribute'] = [],
  ) => nodes.push({ opType, input: inputs, output: [output], attribute });
  const axis = (value: number) => [{ name: 'axis', type: 2, i: value }];
  const ints = (name: string, values: number[]) => {
    initializers.push(int64Tensor(name, [values.length], values));
    return name;
  };

  // Reflection padding and STFT windows, as index tables into each row.
  const padIndex = [
    ...Array.from({ length: input }, (_, i) => i),
    ...Array.from({ length: pad }, (_, j) => input - 2 - j),
  ];
  initializers.push(int64Tensor('pad_index', [padIndex.length], padIndex));
  node('Gather', ['frames', 'pad_index'], 'padded', axis(1));
  const windows = Array.from(
    { length: steps * kernel },
    (_, i) => Math.floor(i / kernel) * hop + (i % kernel),
  );
  initializers.push(int64Tensor('window_index', [steps, kernel], windows));
  node('Gather', ['padded', 'window_index'], 'windows', axis(1));
  const basis = weight(branch, 'stft.forward_basis_buffer', [2 * bins, 1, kernel], path);
  const basisT = new Float32Array(kernel * 2 * bins);
  for (let o = 0; o < 2 * bins; o++)
    for (let k = 0; k < kernel; k++)
      basisT[k * 2 * bins + o] = basis.data[o * kernel + k] as number;
  initializers.push(floatTensor('stft_basis', [kernel, 2 * bins], basisT));
  node('MatMul', ['windows', 'stft_basis'], 'spectrum');
  const last = ints('last_axis', [2]);
  node('Slice', ['spectrum', ints('zero', [0]), ints('bins', [bins]), last], 'real');
  node('Slice', ['spectrum', 'bins', ints('all_bins', [2 * bins]), last], 'imaginary');
  node('Mul', ['real', 'real'], 'real_squared');
  node('Mul', ['imaginary', 'imaginary'], 'imaginary_squared');
  node('Add', ['real_squared', 'imaginary_squared'], 'power');
  node('Sqrt', ['power'], 'magnitude');

  // Encoder: four kernel-3 convolutions over the time steps of each frame, as matrix products.
  const timePad = ints('time_pad', [0, 1, 0, 0, 1, 0]);
  let x = 'magnitude';
  let length = steps;
  encoderLayers(bins).forEach(([outputs, inputs, stride], layer) => {
    const name = `encoder_${layer}`;
    const out = Math.floor((length + 2 - 3) / stride) + 1;
    node('Pad', [x, timePad], `${name}_padded`);
    const taps = Array.from({ length: out * 3 }, (_, i) => Math.floor(i / 3) * stride + (i % 3));
    initializers.push(int64Tensor(`${name}_taps`, [out, 3], taps));
    node('Gather', [`${name}_padded`, `${name}_taps`], `${name}_columns`, axis(1));
    node(
      'Reshape',
      [`${name}_columns`, ints(`${name}_shape`, [0, out, 3 * inputs])],
      `${name}_rows`,
    );
    const conv = weight(branch, `encoder.${layer}.reparam_conv.weight`, [outputs, inputs, 3], path);
    const bias = weight(branch, `encoder.${layer}.reparam_conv.bias`, [outputs], path);
    initializers.push(floatTensor(`${name}_weight`, [3 * inputs, outputs], im2colMatrix(conv)));
    initializers.push(floatTensor(`${name}_bias`, [outputs], bias.data));
    node('MatMul', [`${name}_rows`, `${name}_weight`], `${name}_product`);
    node('Add', [`${name}_product`, `${name}_bias`], `${name}_linear`);
    node('Relu', [`${name}_linear`], name);
    x = name;
    length = out;
  });
  if (length !== 1) throw mismatch(path, `the encoder leaves ${length} time steps, not 1`);

  // Decoder: the LSTM cell over all frames as one sequence [N, batch 1, 128].
  const wih = weight(branch, 'decoder.rnn.weight_ih', [4 * HIDDEN, HIDDEN], path);
  const whh = weight(branch, 'decoder.rnn.weight_hh', [4 * HIDDEN, HIDDEN], path);
  const bih = weight(branch, 'decoder.rnn.bias_ih', [4 * HIDDEN], path);
  const bhh = weight(branch, 'decoder.rnn.bias_hh', [4 * HIDDEN], path);
  const lstmBias = new Float32Array(8 * HIDDEN);
  lstmBias.set(onnxGateOrder(bih.data, 1));
  lstmBias.set(onnxGateOrder(bhh.data, 1), 4 * HIDDEN);
  initializers.push(
    floatTensor('lstm_w', [1, 4 * HIDDEN, HIDDEN], onnxGateOrder(wih.data, HIDDEN)),
    floatTensor('lstm_r', [1, 4 * HIDDEN, HIDDEN], onnxGateOrder(whh.data, HIDDEN)),
    floatTensor('lstm_b', [1, 8 * HIDDEN], lstmBias),
  );
  nodes.push({
    opType: 'Split',
    input: ['state'],
    output: ['h0', 'c0'],
    attribute: [...axis(0), { name: 'num_outputs', type: 2, i: 2 }],
  });
  nodes.push({
    opType: 'LSTM',
    input: [x, 'lstm_w', 'lstm_r', 'lstm_b', '', 'h0', 'c0'],
    output: ['hidden', 'h1', 'c1'],
    attribute: [{ name: 'hidden_size', type: 2, i: HIDDEN }],
  });
  node('Concat', ['h1', 'c1'], 'stateN', axis(0));
  node('Relu', ['hidden'], 'hidden_relu');
  node('Reshape', ['hidden_relu', ints('hidden_shape', [-1, HIDDEN])], 'hidden_rows');
  const head = weight(branch, 'decoder.decoder.2.weight', [1, HIDDEN, 1], path);
  const headBias = weight(branch, 'decoder.decoder.2.bias', [1], path);
  initializers.push(floatTensor('head_weight', [HIDDEN, 1], head.data));
  initializers.push(floatTensor('head_bias', [1], headBias.data));
  node('MatMul', ['hidden_rows', 'head_weight'], 'logit_column');
  node('Add', ['logit_column', 'head_bias'], 'logit');
  node('Sigmoid', ['logit'], 'probability_column');
  node('Reshape', ['probability_column', ints('flat', [-1])], 'probabilities');

  const tensor = (name: string, dims: Array<number | string>) => ({
    name,
    type: {
      tensorType: {
        elemType: 1,
        shape: {
          dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })),
        },
      },
    },
  });
  return encodeOnnx({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 18 }],
    producerName: 'earshot',
    graph: {
      name: `silero_sequence_${framing.sampleRate}`,
      node: nodes,
      initializer: initializers,
      input: [tensor('frames', ['frames', input]), tensor('state', [2, 1, HIDDEN])],
      output: [tensor('probabilities', ['frames']), tensor('stateN', [2, 1, HIDDEN])],
    },
  });
}

/** A fixed probe signal: vowel-like pulse trains, noise bursts and a chirp. */
function probeSignal(length: number, sampleRate: number): Float32Array {
  const signal = new Float32Array(length);
  let seed = 12345;
  for (let i = 0; i < length; i++) {
    const t = i / sampleRate;
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const noise = (seed / 2 ** 32 - 0.5) * (Math.floor(t * 4) % 2 === 0 ? 0.6 : 0.02);
    const pitch = 110 + 40 * Math.sin(2 * Math.PI * 1.3 * t);
    const pulses = Math.exp(-((t * pitch) % 1) * 12) * Math.sin(2 * Math.PI * 700 * t) * 0.5;
    const chirp = 0.2 * Math.sin(2 * Math.PI * (200 + 1500 * t) * t);
    signal[i] = noise + pulses + chirp;
  }
  return signal;
}

/**
 * Runs the original model (`reference`) and the sequence graph on the same probe and throws
 * `model_contract_mismatch` unless probabilities and final state agree.
 */
export async function verifySileroSequence(
  reference: InferenceSession,
  sequence: Uint8Array,
  framing: SileroFraming,
  path: string,
): Promise<void> {
  const rebuilt = await InferenceSession.create(sequence, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  try {
    const frames = 48;
    const input = framing.context + framing.frame;
    const signal = probeSignal(frames * framing.frame, framing.sampleRate);
    const rows = new Float32Array(frames * input);
    let state: Tensor = new Tensor('float32', new Float32Array(2 * HIDDEN), [2, 1, HIDDEN]);
    const expected: number[] = [];
    for (let f = 0; f < frames; f++) {
      const row = rows.subarray(f * input, (f + 1) * input);
      if (f > 0) row.set(rows.subarray(f * input - framing.context, f * input));
      row.set(signal.subarray(f * framing.frame, (f + 1) * framing.frame), framing.context);
      const out = await reference.run({
        input: new Tensor('float32', row.slice(), [1, input]),
        state,
        sr: new Tensor('int64', BigInt64Array.of(BigInt(framing.sampleRate)), []),
      });
      expected.push((out['output'] as Tensor).data[0] as number);
      state = out['stateN'] as Tensor;
    }
    const got = await rebuilt.run({
      frames: new Tensor('float32', rows, [frames, input]),
      state: new Tensor('float32', new Float32Array(2 * HIDDEN), [2, 1, HIDDEN]),
    });
    const probabilities = (got['probabilities'] as Tensor).data as Float32Array;
    const finalState = (got['stateN'] as Tensor).data as Float32Array;
    const referenceState = state.data as Float32Array;
    let worst = 0;
    expected.forEach((value, i) => {
      worst = Math.max(worst, Math.abs(value - (probabilities[i] as number)));
    });
    referenceState.forEach((value, i) => {
      worst = Math.max(worst, Math.abs(value - (finalState[i] as number)));
    });
    if (!(worst <= 1e-4)) {
      throw mismatch(path, `its network differs from Silero v5/v6 (difference ${worst})`);
    }
  } finally {
    await rebuilt.release();
  }
}
