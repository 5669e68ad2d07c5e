/**
 * Loading a resolved model's graphs through the shared session pool, with the contract the
 * model-kind table declares for each, so every engine loads its files the same checked way.
 */
import { InvalidRequestError, ModelError } from '../errors.js';
import type { ModelContract } from './contract.js';
import { MODEL_KINDS, type ModelFileSpec, type ModelKind, type ModelRole } from './model-kinds.js';
import type { ResolvedModel } from './model-store.js';
import type { SessionLease, SessionPool } from './session-pool.js';

/** The contract for one of a kind's ONNX files: the table's, else one that only names it. */
export function contractFor(kind: ModelKind, role: string): ModelContract {
  const spec = (MODEL_KINDS[kind].files as Record<string, ModelFileSpec>)[role];
  if (!spec?.onnx) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `${kind} models have no ONNX file with the role "${role}".`,
    );
  }
  return spec.contract ?? { description: `${kind} ${role}`, inputs: [], outputs: [] };
}

/**
 * Borrows the session for one of the model's ONNX files (`encoder`, `decoder`, `model`, …),
 * loading it on first use. `contract` replaces the table's, for engines that check more.
 */
export async function acquireModelSession<K extends ModelKind>(
  pool: SessionPool,
  model: ResolvedModel<K>,
  role: ModelRole<K>,
  contract?: ModelContract,
): Promise<SessionLease> {
  const path = (model.files as Record<string, string | undefined>)[role];
  if (!path) {
    throw new ModelError('model_file_missing', `${model.name} has no ${role} file.`, {
      details: { model: model.name, role },
    });
  }
  return pool.acquire(path, contract ?? contractFor(model.kind, role));
}
