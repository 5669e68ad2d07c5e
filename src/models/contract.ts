/**
 * The input/output contract a model file must meet before Earshot runs it. Engines declare their
 * contract as data; `checkContract` compares it with what onnxruntime reports for the file and
 * explains any difference in one message.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelError } from '../errors.js';

export interface TensorSpec {
  /** Exact name, or a pattern for families such as `past_key_values.{i}.decoder.key`. */
  name: string | RegExp;
  /** Accepted element types. */
  type?: readonly Tensor.Type[];
  /** Number of dimensions. */
  rank?: number;
  /** Whether the model must have it. Default true. */
  required?: boolean;
}

export interface ModelContract {
  /** What the model is, for messages ("Whisper encoder", "Silero VAD v5"). */
  description: string;
  inputs: readonly TensorSpec[];
  outputs: readonly TensorSpec[];
}

type Metadata = InferenceSession.ValueMetadata;

function describeSpec(spec: TensorSpec): string {
  const name = typeof spec.name === 'string' ? spec.name : `/${spec.name.source}/`;
  const facts = [
    spec.type?.join('|'),
    spec.rank === undefined ? undefined : `rank ${spec.rank}`,
  ].filter(Boolean);
  return facts.length > 0 ? `${name} (${facts.join(', ')})` : name;
}

export function describeValue(value: Metadata): string {
  if (!value.isTensor) return `${value.name} (not a tensor)`;
  const shape = value.shape.map((dim) =>
    typeof dim === 'number' && dim >= 0 ? String(dim) : String(dim || '?'),
  );
  return `${value.name} (${value.type} [${shape.join(', ')}])`;
}

function matches(spec: TensorSpec, value: Metadata): boolean {
  return typeof spec.name === 'string' ? spec.name === value.name : spec.name.test(value.name);
}

function problemsIn(
  kind: 'input' | 'output',
  specs: readonly TensorSpec[],
  found: readonly Metadata[],
): string[] {
  const problems: string[] = [];
  for (const spec of specs) {
    const matching = found.filter((value) => matches(spec, value));
    if (matching.length === 0) {
      if (spec.required !== false) problems.push(`missing ${kind} ${describeSpec(spec)}`);
      continue;
    }
    for (const value of matching) {
      if (!value.isTensor) {
        problems.push(`${kind} ${value.name} is not a tensor`);
        continue;
      }
      if (spec.type && !spec.type.includes(value.type)) {
        problems.push(`${kind} ${value.name} is ${value.type}, expected ${spec.type.join(' or ')}`);
      }
      if (spec.rank !== undefined && value.shape.length !== spec.rank) {
        problems.push(
          `${kind} ${value.name} has rank ${value.shape.length}, expected ${spec.rank}`,
        );
      }
    }
  }
  return problems;
}

/** Throws `model_contract_mismatch` naming every difference between the contract and the file. */
export function checkContract(
  contract: ModelContract,
  session: Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>,
  path: string,
): void {
  const problems = [
    ...problemsIn('input', contract.inputs, session.inputMetadata),
    ...problemsIn('output', contract.outputs, session.outputMetadata),
  ];
  if (problems.length === 0) return;
  throw new ModelError(
    'model_contract_mismatch',
    `${path} is not a ${contract.description} model Earshot can run: ${problems.join('; ')}. ` +
      `It has inputs ${session.inputMetadata.map(describeValue).join(', ')} and outputs ${session.outputMetadata.map(describeValue).join(', ')}.`,
    { details: { path, problems } },
  );
}
