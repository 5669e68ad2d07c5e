/**
 * Optimum's merged Whisper decoder holds both decoder graphs behind one `If` on
 * `use_cache_branch`. Its with-cache branch passes the cross-attention cache through to its
 * outputs, and onnxruntime materialises those pass-through tensors on every token: for a base
 * model about 37 MB copied twice per token, half the time of a decoding step on a CPU. This module
 * derives, from the merged file itself, a graph that is the with-cache branch alone, without the
 * pass-through outputs. The engine loads it next to the merged decoder, checks at load that both
 * give the same logits, and uses it for every token after the first.
 */
import type { onnx } from 'onnx-proto';
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelError } from '../../errors.js';
import type { ModelContract } from '../../models/contract.js';
import { derivedModelFile } from '../../models/derived-files.js';
import { decodeOnnxMessage, encodeOnnxMessage } from '../../models/onnx-proto.js';
import type { DerivedModel } from '../../models/session-pool.js';
import { float32ToFloat16 } from './float16.js';
import { type DecoderSessions, OnnxDecoderStepper } from './onnx-decoder-stepper.js';
import type { WhisperArchitecture } from './onnx-runtime.js';

const FLOAT = ['float32', 'float16'] as const;

/** What the derived graph must look like to be used. */
export const CACHED_STEP_CONTRACT: ModelContract = {
  description: 'Whisper cached-step decoder (derived from the merged decoder)',
  inputs: [
    { name: 'input_ids', type: ['int64'], rank: 2 },
    { name: /^past_key_values\.\d+\.(decoder|encoder)\.(key|value)$/, type: FLOAT, rank: 4 },
  ],
  outputs: [
    { name: 'logits', type: FLOAT, rank: 3 },
    { name: /^present\.\d+\.decoder\.(key|value)$/, type: FLOAT, rank: 4 },
  ],
};

/** Outputs the derived graph keeps: the logits and the growing self-attention cache. */
function kept(name: string): boolean {
  return name === 'logits' || /^present\.\d+\.decoder\./.test(name);
}

const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL

function fail(path: string, reason: string): never {
  throw new ModelError(
    'model_contract_mismatch',
    `Cannot derive a cached-step decoder from ${path}: ${reason}.`,
  );
}

/** Every value name a node reads, including those its subgraphs read from the outer scope. */
function namesRead(node: onnx.INodeProto): string[] {
  const names = [...(node.input ?? [])];
  for (const attribute of node.attribute ?? []) {
    for (const graph of [attribute.g, ...(attribute.graphs ?? [])]) {
      for (const inner of graph?.node ?? []) names.push(...namesRead(inner));
    }
  }
  return names;
}

/** The `If` whose condition is `use_cache_branch` (directly, or through Cast/Identity). */
function cacheSwitch(graph: onnx.IGraphProto): onnx.INodeProto | undefined {
  const producer = new Map<string, onnx.INodeProto>();
  for (const node of graph.node ?? [])
    for (const output of node.output ?? []) producer.set(output, node);
  const isCacheFlag = (name: string | undefined, depth = 0): boolean => {
    if (name === 'use_cache_branch') return true;
    const node = name ? producer.get(name) : undefined;
    return (
      depth < 4 &&
      node !== undefined &&
      ['Cast', 'Identity'].includes(node.opType ?? '') &&
      isCacheFlag(node.input?.[0], depth + 1)
    );
  };
  return (graph.node ?? []).find((node) => node.opType === 'If' && isCacheFlag(node.input?.[0]));
}

/** Builds the cached-step graph from the bytes of a merged decoder. */
export function deriveCachedStepDecoder(bytes: Uint8Array, path: string): Uint8Array {
  const model = decodeOnnxMessage(bytes, path);
  const graph = model.graph as onnx.GraphProto;
  if ((graph.initializer ?? []).some((tensor) => tensor.dataLocation === EXTERNAL)) {
    fail(path, 'its weights are stored in an external data file');
  }
  const switchNode = cacheSwitch(graph);
  if (!switchNode) fail(path, 'it has no If on use_cache_branch');
  const branch = switchNode.attribute?.find((attribute) => attribute.name === 'then_branch')?.g;
  const outerOutputs = switchNode.output ?? [];
  if (!branch || (branch.output ?? []).length !== outerOutputs.length)
    fail(path, 'its with-cache branch does not match the If outputs');

  // Values named as branch outputs take the If's output names, so the graph outputs keep their names.
  const rename = new Map(
    (branch.output ?? []).map((value, index) => [
      value.name as string,
      outerOutputs[index] as string,
    ]),
  );
  const renamed = (name: string) => rename.get(name) ?? name;
  const usedNames = new Set((graph.node ?? []).map((node) => node.name).filter(Boolean));
  const branchNodes = (branch.node ?? []).map((node) => {
    const copy = {
      ...node,
      input: (node.input ?? []).map(renamed),
      output: (node.output ?? []).map(renamed),
    };
    if (copy.name && usedNames.has(copy.name)) copy.name = `cached_step/${copy.name}`;
    return copy;
  });
  const at = (graph.node ?? []).indexOf(switchNode);
  const nodes = [
    ...(graph.node ?? []).slice(0, at),
    ...branchNodes,
    ...(graph.node ?? []).slice(at + 1),
  ];

  // Keep only what the kept outputs need.
  const outputs = (graph.output ?? []).filter((value) => kept(value.name ?? ''));
  const needed = new Set(outputs.map((value) => value.name as string));
  const liveNodes: onnx.INodeProto[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i] as onnx.INodeProto;
    if ((node.output ?? []).some((name) => needed.has(name))) {
      liveNodes.unshift(node);
      for (const name of namesRead(node)) needed.add(name);
    }
  }
  const initializers = [...(graph.initializer ?? []), ...(branch.initializer ?? [])].filter(
    (tensor) => needed.has(tensor.name ?? ''),
  );
  const inputs = (graph.input ?? []).filter(
    (value) =>
      needed.has(value.name ?? '') && !initializers.some((tensor) => tensor.name === value.name),
  );
  if (!inputs.some((value) => value.name === 'input_ids'))
    fail(path, 'the derived graph does not read input_ids');

  graph.node = liveNodes as onnx.NodeProto[];
  graph.initializer = initializers as onnx.TensorProto[];
  graph.input = inputs;
  graph.output = outputs;
  graph.valueInfo = [...(graph.valueInfo ?? []), ...(branch.valueInfo ?? [])]
    .map((value) => ({ ...value, name: renamed(value.name ?? '') }))
    .filter((value) => needed.has(value.name)) as onnx.ValueInfoProto[];
  return encodeOnnxMessage(model);
}

/** The derivation as the session pool takes it, for when it cannot be kept on disk. */
export const CACHED_STEP_DECODER: DerivedModel = {
  key: 'whisper-cached-step',
  build: deriveCachedStepDecoder,
};

/** The derived graph's file next to the model (see `derived-files.ts`), or null. */
export function cachedStepDecoderFile(decoderPath: string): Promise<string | null> {
  return derivedModelFile(decoderPath, CACHED_STEP_DECODER, DERIVATION_VERSION);
}

/** Bumped when the derivation changes, so files derived by an older one are rebuilt. */
const DERIVATION_VERSION = 1;

/**
 * Whether the derived graph gives the merged decoder's logits (to 1e-4 of their scale) on a probe:
 * random audio states, a four-token prompt, then one cached step.
 */
export async function cachedStepAgrees(
  merged: InferenceSession,
  cachedStep: InferenceSession,
  architecture: WhisperArchitecture,
  floatType: 'float32' | 'float16',
): Promise<boolean> {
  let state = 12345;
  const states = new Float32Array(architecture.nAudioCtx * architecture.dModel).map(() => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
  const hidden =
    floatType === 'float16'
      ? new Tensor('float16', float32ToFloat16(states), [
          1,
          architecture.nAudioCtx,
          architecture.dModel,
        ])
      : new Tensor('float32', states, [1, architecture.nAudioCtx, architecture.dModel]);
  const logitsAfterStep = async (sessions: DecoderSessions) => {
    const stepper = new OnnxDecoderStepper(sessions, architecture, hidden, 1, floatType);
    await stepper.step([[1, 2, 3, 4]]);
    return (await stepper.step([[5]])).data;
  };
  const expected = await logitsAfterStep({ merged, cachedStep: null });
  const actual = await logitsAfterStep({ merged, cachedStep });
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i] as number));
    worst = Math.max(worst, Math.abs((expected[i] as number) - (actual[i] as number)));
  }
  return expected.length === actual.length && worst <= 1e-4 * scale;
}
