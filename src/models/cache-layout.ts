/**
 * How the model cache is laid out on disk. Each model is a folder named after its hub id
 * (`{dir}/onnx-community/whisper-base`, `…@revision` for other revisions) holding the
 * repository's files at their repository paths, so a cached model is also a valid local model
 * folder (and what transformers.js reads with `env.localModelPath = dir`). Bookkeeping lives in
 * the folder's `.earshot/`: where the files came from, what each file's hash is, partial
 * downloads and locks.
 */
import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type Dtype, dtypeOfOnnxFile } from './dtypes.js';
import { DEFAULT_REVISION } from './model-ref.js';

export const WORK_DIR = '.earshot';

/** Where a hub model is cached. */
export function cacheFolder(modelsDir: string, id: string, revision: string): string {
  const base = join(modelsDir, ...id.split('/'));
  return revision === DEFAULT_REVISION ? base : `${base}@${revision.replaceAll('/', '--')}`;
}

export interface ModelSource {
  id: string;
  revision: string;
  hubUrl: string;
  commit: string;
  updatedAt: string;
}

export interface FileRecord {
  path: string;
  size: number;
  sha256: string;
  gitSha1: string | null;
  commit: string;
  downloadedAt: string;
}

function flatName(path: string): string {
  return path.replace(/[^\w.-]/g, '_');
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  // A unique name per write: two stores in one process may write the same file at once.
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, path);
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export async function readSource(folder: string): Promise<ModelSource | null> {
  return readJson<ModelSource>(join(folder, WORK_DIR, 'source.json'));
}

export async function writeSource(folder: string, source: ModelSource): Promise<void> {
  await mkdir(join(folder, WORK_DIR), { recursive: true });
  await writeJsonAtomic(join(folder, WORK_DIR, 'source.json'), source);
}

export async function readFileRecord(folder: string, path: string): Promise<FileRecord | null> {
  return readJson<FileRecord>(join(folder, WORK_DIR, 'files', `${flatName(path)}.json`));
}

export async function writeFileRecord(folder: string, record: FileRecord): Promise<void> {
  const dir = join(folder, WORK_DIR, 'files');
  await mkdir(dir, { recursive: true });
  await writeJsonAtomic(join(dir, `${flatName(record.path)}.json`), record);
}

export async function removeFileRecord(folder: string, path: string): Promise<void> {
  await rm(join(folder, WORK_DIR, 'files', `${flatName(path)}.json`), { force: true });
}

/** Size of a regular, non-empty file, or null. */
export async function presentSize(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() && info.size > 0 ? info.size : null;
  } catch {
    return null;
  }
}

/** Every file of a model folder (repository paths with `/`), bookkeeping excluded. */
export async function modelFiles(folder: string): Promise<{ path: string; size: number }[]> {
  const found: { path: string; size: number }[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== WORK_DIR) await walk(path);
      } else if (entry.isFile()) {
        found.push({
          path: relative(folder, path).split(sep).join('/'),
          size: (await stat(path)).size,
        });
      }
    }
  };
  await walk(folder);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

export interface CachedModel {
  id: string;
  revision: string;
  commit: string | null;
  folder: string;
  sizeBytes: number;
  files: number;
  dtypes: Dtype[];
  updatedAt: string | null;
}

/** The models in the cache: folders with Earshot's bookkeeping, one or two levels deep. */
export async function listCachedModels(modelsDir: string): Promise<CachedModel[]> {
  const folders: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if ((await presentSize(join(path, WORK_DIR, 'source.json'))) !== null) folders.push(path);
      else if (depth < 2) await visit(path, depth + 1);
    }
  };
  await visit(modelsDir, 1);
  const models: CachedModel[] = [];
  for (const folder of folders) {
    const source = await readSource(folder);
    if (!source) continue;
    const files = await modelFiles(folder);
    const dtypes = new Set<Dtype>();
    for (const file of files) {
      const dtype = dtypeOfOnnxFile(file.path);
      if (dtype) dtypes.add(dtype);
    }
    models.push({
      id: source.id,
      revision: source.revision,
      commit: source.commit,
      folder,
      sizeBytes: files.reduce((sum, file) => sum + file.size, 0),
      files: files.length,
      dtypes: [...dtypes].sort(),
      updatedAt: source.updatedAt,
    });
  }
  return models.sort((a, b) => a.id.localeCompare(b.id) || a.revision.localeCompare(b.revision));
}
