/**
 * Brings a cached model folder up to date with the hub for one kind and dtype: one listing
 * request, then only the files the kind needs (with the external-data files of its ONNX graphs)
 * whose local copy is missing or differs, configuration first and the large graphs last, so an
 * ONNX file on disk always has its companions.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { ModelError } from '../errors.js';
import {
  type FileRecord,
  presentSize,
  readFileRecord,
  WORK_DIR,
  writeFileRecord,
  writeSource,
} from './cache-layout.js';
import { downloadFile } from './download.js';
import type { Dtype } from './dtypes.js';
import { NetworkError } from './http.js';
import type { HubClient, HubFile, HubListing } from './hub-client.js';
import {
  isCompanionOf,
  MODEL_KINDS,
  type ModelKind,
  type ModelKindSpec,
  type PlannedFile,
  planFiles,
} from './model-kinds.js';
import type { ModelRef } from './model-ref.js';
import type { DownloadListener } from './progress.js';

export interface SyncOptions {
  hub: HubClient;
  ref: Extract<ModelRef, { type: 'hub' }>;
  kind: ModelKind;
  dtype: Dtype;
  voice: string | undefined;
  folder: string;
  planned: readonly PlannedFile[];
  onEvent: DownloadListener;
  signal?: AbortSignal;
  attempts?: number;
  retryDelayMs?: number;
  lockStaleMs?: number;
  /** The error to raise when the hub cannot be reached, given the files still missing. */
  unreachable: (missing: string[], message: string) => ModelError;
}

/** The dtypes for which the repository has every required file of the kind. */
function availableDtypes(listing: HubListing, kind: ModelKind, voice: string | undefined): Dtype[] {
  const spec: ModelKindSpec = MODEL_KINDS[kind];
  return spec.dtypes.filter((dtype) =>
    planFiles(kind, dtype, voice).every((file) => file.optional || listing.files.has(file.path)),
  );
}

/** Files to fetch, in order: plain files, external data, then the ONNX graphs. */
function wantedFiles(listing: HubListing, planned: readonly PlannedFile[]): string[] {
  const present = planned.filter((file) => listing.files.has(file.path));
  const graphs = present.filter((file) => file.onnx).map((file) => file.path);
  const companions = [...listing.files.keys()].filter((path) =>
    graphs.some((graph) => isCompanionOf(path, graph)),
  );
  const plain = present.filter((file) => !file.onnx).map((file) => file.path);
  return [...plain, ...companions.sort(), ...graphs];
}

async function hashes(path: string, size: number) {
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1').update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) {
    sha256.update(chunk as Buffer);
    sha1.update(chunk as Buffer);
  }
  return { sha256: sha256.digest('hex'), gitSha1: sha1.digest('hex') };
}

function matches(remote: HubFile, local: { size: number; sha256: string; gitSha1: string | null }) {
  if (remote.size !== null && remote.size !== local.size) return false;
  if (remote.sha256) return remote.sha256 === local.sha256;
  if (remote.gitSha1) return remote.gitSha1 === local.gitSha1;
  return remote.size !== null;
}

/**
 * Whether the local copy is the hub's file. Files without a record (put there by hand, or by
 * an older download) are hashed once and recorded when they match.
 */
async function upToDate(folder: string, remote: HubFile, commit: string): Promise<boolean> {
  const destination = join(folder, ...remote.path.split('/'));
  const size = await presentSize(destination);
  if (size === null) return false;
  const record = await readFileRecord(folder, remote.path);
  if (record && record.size === size) return matches(remote, record);
  const local = { size, ...(await hashes(destination, size)) };
  if (!matches(remote, local)) return false;
  await writeFileRecord(folder, record ?? recordOf(remote.path, local, commit));
  return true;
}

function recordOf(
  path: string,
  local: { size: number; sha256: string; gitSha1: string | null },
  commit: string,
): FileRecord {
  return { path, ...local, commit, downloadedAt: new Date().toISOString() };
}

export async function syncFromHub(
  options: SyncOptions,
): Promise<{ commit: string; downloaded: number }> {
  const { hub, ref, folder } = options;
  let listing: HubListing;
  try {
    listing = await hub.listFiles(ref.id, ref.revision, options.signal);
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    const missing: string[] = [];
    for (const file of options.planned) {
      if (!file.optional && (await presentSize(join(folder, ...file.path.split('/')))) === null) {
        missing.push(file.path);
      }
    }
    throw options.unreachable(missing, error.message);
  }

  const absent = options.planned.filter((file) => !file.optional && !listing.files.has(file.path));
  if (absent.length > 0) {
    const dtypes = availableDtypes(listing, options.kind, options.voice);
    throw new ModelError(
      'model_not_found',
      `${ref.name} has no ${absent.map((file) => file.path).join(', ')}, so it is not a ${options.kind} model of dtype ${options.dtype}. ` +
        (dtypes.length > 0
          ? `It has dtypes ${dtypes.join(', ')}.`
          : `It has none of the files a ${options.kind} model needs.`),
      { details: { model: ref.name, missing: absent.map((file) => file.path), dtypes } },
    );
  }

  // Recorded before the downloads, so a model interrupted midway is listed and removable.
  const source = {
    id: ref.id,
    revision: ref.revision,
    hubUrl: hub.hubUrl,
    commit: listing.commit,
    updatedAt: new Date().toISOString(),
  };
  await writeSource(folder, source);
  let downloaded = 0;
  for (const path of wantedFiles(listing, options.planned)) {
    const remote = listing.files.get(path) as HubFile;
    if (await upToDate(folder, remote, listing.commit)) continue;
    const fetched = await downloadFile({
      hub,
      model: ref.name,
      id: ref.id,
      commit: listing.commit,
      path,
      destination: join(folder, ...path.split('/')),
      workDir: join(folder, WORK_DIR),
      expected: { size: remote.size, sha256: remote.sha256, gitSha1: remote.gitSha1 },
      alreadyDone: () => upToDate(folder, remote, listing.commit),
      onEvent: options.onEvent,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.attempts ? { attempts: options.attempts } : {}),
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
      ...(options.lockStaleMs ? { lockStaleMs: options.lockStaleMs } : {}),
    });
    if (!fetched.downloaded) continue;
    downloaded++;
    options.onEvent({
      type: 'done',
      model: ref.name,
      file: path,
      totalBytes: fetched.size,
      verified: fetched.verified,
    });
    await writeFileRecord(folder, {
      path,
      size: fetched.size,
      sha256: fetched.sha256,
      gitSha1: remote.gitSha1,
      commit: listing.commit,
      downloadedAt: new Date().toISOString(),
    });
  }
  await writeSource(folder, { ...source, updatedAt: new Date().toISOString() });
  return { commit: listing.commit, downloaded };
}
