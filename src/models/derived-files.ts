/**
 * Graphs derived from a model's own files (Whisper's cached-step decoder, its variable-length
 * encoder) are kept on disk next to the model (`.earshot/derived/`), written the first time and
 * rewritten when the source file or the derivation changes, so later loads skip the derivation
 * (seconds and hundreds of MB of memory for a base-sized model).
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ModelError } from '../errors.js';
import { WORK_DIR } from './cache-layout.js';
import type { DerivedModel } from './session-pool.js';

/**
 * The path of `derived` built from `sourcePath` (an `onnx/*.onnx` file of a model folder),
 * deriving it when missing or stale. `version` is bumped when the derivation changes. `null` when
 * it cannot be written there (a read-only folder); the caller then derives it in memory through
 * the session pool. A `ModelError` from the derivation (the source does not have the expected
 * shape) is thrown.
 */
export async function derivedModelFile(
  sourcePath: string,
  derived: DerivedModel,
  version: number,
): Promise<string | null> {
  const source = await stat(sourcePath);
  const folder = join(dirname(dirname(sourcePath)), WORK_DIR, 'derived');
  const target = join(folder, `${basename(sourcePath, '.onnx')}.${derived.key}.onnx`);
  const stamp = `${target}.source.json`;
  const expected = JSON.stringify({ size: source.size, mtimeMs: source.mtimeMs, version });
  try {
    if ((await readFile(stamp, 'utf8')) === expected) return target;
  } catch {
    // not derived yet
  }
  try {
    await mkdir(folder, { recursive: true });
    const bytes = await derived.build(new Uint8Array(await readFile(sourcePath)), sourcePath);
    const partial = `${target}.${process.pid}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, target);
    await writeFile(stamp, expected);
    return target;
  } catch (error) {
    if (error instanceof ModelError) throw error;
    return null;
  }
}
