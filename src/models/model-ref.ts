/**
 * What a user names a model with: a hub id (`onnx-community/whisper-base`, optionally
 * `@revision`), or a local folder laid out like a hub repository.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { InvalidRequestError } from '../errors.js';

export type ModelRef =
  | { type: 'local'; folder: string; name: string }
  | { type: 'hub'; id: string; revision: string; name: string };

export const DEFAULT_REVISION = 'main';

// The hub's rules: letters, digits, `-`, `_`, `.`; no `--` or `..`; not starting or ending with
// `-` or `.`; at most 96 characters per part.
const PART = /^(?!.*(--|\.\.))[A-Za-z0-9_](?:[\w.-]{0,94}[A-Za-z0-9_])?$/;
const REVISION = /^[\w][\w.\-/]{0,254}$/;

function looksLikePath(ref: string): boolean {
  return (
    isAbsolute(ref) ||
    /^(\.{1,2}|~)([/\\]|$)/.test(ref) ||
    ref.includes('\\') ||
    /^[A-Za-z]:/.test(ref)
  );
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Parses a model reference. Paths (absolute, `./…`, `~/…`) and existing folders are local; the
 * rest must be a valid hub id.
 */
export function parseModelRef(ref: string, cwd = process.cwd()): ModelRef {
  const trimmed = ref.trim();
  if (trimmed === '') {
    throw new InvalidRequestError('invalid_parameter', 'A model name or folder is required.');
  }
  if (looksLikePath(trimmed) || isDirectory(resolve(cwd, trimmed))) {
    const expanded = trimmed.startsWith('~') ? homedir() + trimmed.slice(1) : trimmed;
    const folder = resolve(cwd, expanded);
    return { type: 'local', folder, name: folder };
  }
  const at = trimmed.indexOf('@');
  const id = at >= 0 ? trimmed.slice(0, at) : trimmed;
  const revision = at >= 0 ? trimmed.slice(at + 1) : DEFAULT_REVISION;
  const parts = id.split('/');
  if (parts.length > 2 || !parts.every((part) => PART.test(part))) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `"${ref}" is neither a folder nor a hub model id such as onnx-community/whisper-base (optionally @revision).`,
      { details: { model: ref } },
    );
  }
  if (!REVISION.test(revision) || revision.split('/').includes('..')) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `"${revision}" is not a valid revision (a branch, tag or commit) in "${ref}".`,
      { details: { model: ref } },
    );
  }
  const name = revision === DEFAULT_REVISION ? id : `${id}@${revision}`;
  return { type: 'hub', id, revision, name };
}
