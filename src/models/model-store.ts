/**
 * The model store: turns a model reference into the absolute paths of the files a kind of model
 * needs, downloading them on first use unless offline. Local folders are used as they are;
 * hub models are cached (see `cache-layout.ts`) and, once complete, used without any network
 * access. `pull` checks the hub again and fetches what changed.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { InvalidRequestError, ModelError } from '../errors.js';
import {
  type CachedModel,
  cacheFolder,
  listCachedModels,
  modelFiles,
  presentSize,
  readSource,
  removeFileRecord,
} from './cache-layout.js';
import { DTYPES, type Dtype, dtypeOfOnnxFile } from './dtypes.js';
import { NetworkError } from './http.js';
import { HubClient } from './hub-client.js';
import {
  isCompanionOf,
  MODEL_KIND_NAMES,
  MODEL_KINDS,
  type ModelFiles,
  type ModelKind,
  type ModelKindSpec,
  type PlannedFile,
  planFiles,
} from './model-kinds.js';
import { type ModelRef, parseModelRef } from './model-ref.js';
import type { DownloadListener } from './progress.js';
import { syncFromHub } from './sync.js';

export interface ModelStoreOptions {
  /** Cache folder (`models.dir`). */
  dir: string;
  hubUrl: string;
  /** Never download (`models.offline`). */
  offline: boolean;
  token: string | null;
  /** Hub inactivity timeout in seconds (`models.timeoutS`). */
  timeoutS: number;
  /** Receives download progress of every resolve and pull. */
  onProgress?: DownloadListener;
  /** Download tuning; the defaults suit real networks. */
  attempts?: number;
  retryDelayMs?: number;
  lockStaleMs?: number;
}

export function modelStoreOptions(config: Pick<Config, 'models'>): ModelStoreOptions {
  const { dir, hubUrl, offline, hfToken, timeoutS } = config.models;
  return { dir, hubUrl, offline, token: hfToken, timeoutS };
}

export interface ResolveOptions<K extends ModelKind> {
  kind: K;
  /** Weight format (default fp32). */
  dtype?: Dtype;
  /** Fills `{voice}` for kinds with voices (Piper's voice path, Kokoro's voice name). */
  voice?: string;
  /** Progress of this call's downloads (in addition to the store's listener). */
  onProgress?: DownloadListener;
  signal?: AbortSignal;
}

export interface ResolvedModel<K extends ModelKind = ModelKind> {
  /** The reference as given (hub id with revision, or the folder). */
  name: string;
  kind: K;
  dtype: Dtype;
  folder: string;
  /** Absolute paths by role. */
  files: ModelFiles<K>;
  /** Hub id, revision and commit for hub models; null for local folders. */
  hub: { id: string; revision: string; commit: string | null } | null;
  /** `local` folder, complete `cache`, or fetched (at least partly) by this call. */
  source: 'local' | 'cache' | 'download';
}

export class ModelStore {
  private readonly hub: HubClient;
  private readonly inflight = new Map<string, Promise<ResolvedModel>>();

  constructor(private readonly options: ModelStoreOptions) {
    this.hub = new HubClient({
      hubUrl: options.hubUrl,
      token: options.token,
      timeoutS: options.timeoutS,
    });
  }

  /** Where a hub model is (or would be) cached. */
  folderFor(ref: string): string {
    const parsed = parseModelRef(ref);
    return parsed.type === 'local'
      ? parsed.folder
      : cacheFolder(this.options.dir, parsed.id, parsed.revision);
  }

  /** The model's files; missing hub files are downloaded first unless the store is offline. */
  resolve<K extends ModelKind>(ref: string, options: ResolveOptions<K>): Promise<ResolvedModel<K>> {
    return this.run(ref, options, false);
  }

  /** Like `resolve`, but always asks the hub for the current files and fetches any that changed. */
  pull<K extends ModelKind>(ref: string, options: ResolveOptions<K>): Promise<ResolvedModel<K>> {
    return this.run(ref, options, true);
  }

  /**
   * Every file path of a model's repository (with `/`): a local folder's files, or the hub's
   * listing at the revision. Offline, or when the hub cannot be reached, a cached model lists
   * the files it has. Engines with many voices in one repository list them from here.
   */
  async listFiles(ref: string, options: { signal?: AbortSignal } = {}): Promise<string[]> {
    const parsed = parseModelRef(ref);
    if (parsed.type === 'local') {
      const files = await modelFiles(parsed.folder);
      if (files.length === 0) {
        throw new ModelError('model_not_found', `${parsed.folder} has no files.`, {
          details: { model: parsed.folder },
        });
      }
      return files.map((file) => file.path);
    }
    const folder = cacheFolder(this.options.dir, parsed.id, parsed.revision);
    const cached = async (why: ModelError): Promise<string[]> => {
      if (!(await readSource(folder))) throw why;
      return (await modelFiles(folder)).map((file) => file.path);
    };
    const where = `Put the repository's files in ${folder}, or`;
    if (this.options.offline) {
      return cached(
        new ModelError(
          'model_offline',
          `${parsed.name} is not in the model cache and EARSHOT_OFFLINE is set, so its files cannot be listed. ${where} unset EARSHOT_OFFLINE.`,
          { details: { model: parsed.name, folder } },
        ),
      );
    }
    try {
      const listing = await this.hub.listFiles(parsed.id, parsed.revision, options.signal);
      return [...listing.files.keys()].sort();
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      return cached(
        new ModelError(
          'model_hub_unreachable',
          `${parsed.name} is not in the model cache and the hub at ${this.hub.hubUrl} could not be reached (${error.message}). ${where} try again once the network is back.`,
          { cause: error, details: { model: parsed.name, folder } },
        ),
      );
    }
  }

  list(): Promise<CachedModel[]> {
    return listCachedModels(this.options.dir);
  }

  /**
   * Removes a cached model, or only its ONNX files of one dtype. Returns the repository paths
   * removed. Local folders given by path are never touched.
   */
  async remove(ref: string, options: { dtype?: Dtype } = {}): Promise<string[]> {
    const parsed = parseModelRef(ref);
    if (parsed.type === 'local') {
      throw new InvalidRequestError(
        'invalid_parameter',
        `${parsed.folder} is a folder of your own, not a cached model; Earshot only removes models it downloaded.`,
      );
    }
    const folder = cacheFolder(this.options.dir, parsed.id, parsed.revision);
    if (!(await readSource(folder))) {
      throw new ModelError(
        'model_not_found',
        `${parsed.name} is not in the model cache (${folder}).`,
        {
          details: { model: parsed.name, folder },
        },
      );
    }
    const files = (await modelFiles(folder)).map((file) => file.path);
    if (!options.dtype) {
      await rm(folder, { recursive: true, force: true });
      return files;
    }
    const onnx = files.filter((path) => dtypeOfOnnxFile(path) === options.dtype);
    const removed = files.filter((path) =>
      onnx.some((graph) => path === graph || isCompanionOf(path, graph)),
    );
    for (const path of removed) {
      await rm(join(folder, path), { force: true });
      await removeFileRecord(folder, path);
    }
    return removed;
  }

  private run<K extends ModelKind>(
    ref: string,
    options: ResolveOptions<K>,
    update: boolean,
  ): Promise<ResolvedModel<K>> {
    const key = JSON.stringify([ref, options.kind, options.dtype, options.voice, update]);
    const running = this.inflight.get(key);
    if (running) return running as Promise<ResolvedModel<K>>;
    const started = this.resolveOnce(ref, options, update).finally(() => this.inflight.delete(key));
    this.inflight.set(key, started);
    return started;
  }

  private async resolveOnce<K extends ModelKind>(
    ref: string,
    options: ResolveOptions<K>,
    update: boolean,
  ): Promise<ResolvedModel<K>> {
    const parsed = parseModelRef(ref);
    const { kind, dtype, voice, planned } = plan(options);
    if (parsed.type === 'local') return resolveLocal(parsed, kind, dtype, planned);

    const folder = cacheFolder(this.options.dir, parsed.id, parsed.revision);
    const local = await locate(folder, planned);
    const hub = { id: parsed.id, revision: parsed.revision };
    const fromCache = async () => {
      const commit = (await readSource(folder))?.commit ?? null;
      return result(parsed, kind, dtype, folder, local.files, { ...hub, commit }, 'cache');
    };
    // Offline, a complete cached model is used as it is, even by `pull` (which cannot check).
    if (local.missing.length === 0 && (!update || this.options.offline)) return fromCache();
    if (this.options.offline) {
      throw unavailable(parsed, kind, dtype, folder, local.missing, this.hub, {
        code: 'model_offline',
        reason: 'EARSHOT_OFFLINE is set, so Earshot does not download models',
        remedy: 'unset EARSHOT_OFFLINE to let Earshot download them',
      });
    }
    const listeners = [this.options.onProgress, options.onProgress].filter((l) => l !== undefined);
    const syncing = syncFromHub({
      hub: this.hub,
      ref: parsed,
      kind,
      dtype,
      voice,
      folder,
      planned,
      onEvent: (event) => {
        for (const listener of listeners) listener(event);
      },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(this.options.attempts ? { attempts: this.options.attempts } : {}),
      ...(this.options.retryDelayMs !== undefined
        ? { retryDelayMs: this.options.retryDelayMs }
        : {}),
      ...(this.options.lockStaleMs ? { lockStaleMs: this.options.lockStaleMs } : {}),
      unreachable: (missing, message) =>
        unavailable(parsed, kind, dtype, folder, missing, this.hub, {
          code: 'model_hub_unreachable',
          reason: `the hub at ${this.hub.hubUrl} could not be reached (${message})`,
          remedy:
            'run the command again once the network is back (EARSHOT_HUB_URL picks another hub)',
        }),
    });
    const synced = await syncing.catch((error: unknown) => {
      // `pull` of a complete model while the hub is unreachable: keep using the cached files.
      const unreachable = error instanceof ModelError && error.code === 'model_hub_unreachable';
      if (unreachable && local.missing.length === 0) return null;
      throw error;
    });
    if (!synced) return fromCache();
    const complete = await locate(folder, planned);
    return result(
      parsed,
      kind,
      dtype,
      folder,
      complete.files,
      { ...hub, commit: synced.commit },
      synced.downloaded > 0 ? 'download' : 'cache',
    );
  }
}

/** Resolves with a one-off store (see `ModelStore.resolve`); `modelStoreOptions(config)` fills the store part. */
export function resolveModel<K extends ModelKind>(
  ref: string,
  options: ResolveOptions<K> & ModelStoreOptions,
): Promise<ResolvedModel<K>> {
  // The listener goes to the call only, so that each event arrives once.
  const { onProgress: _perCall, ...storeOptions } = options;
  return new ModelStore(storeOptions).resolve(ref, options);
}

function plan<K extends ModelKind>(options: ResolveOptions<K>) {
  const kind = options.kind;
  const spec: ModelKindSpec | undefined = MODEL_KINDS[kind];
  if (!spec) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `Unknown model kind "${kind}"; use one of ${MODEL_KIND_NAMES.join(', ')}.`,
    );
  }
  const dtype = options.dtype ?? 'fp32';
  if (!spec.dtypes.includes(dtype)) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `${kind} models come in ${spec.dtypes.join(', ')}, not ${dtype}.`,
      { details: { kind, dtype } },
    );
  }
  const voice = options.voice ?? spec.voice?.default;
  if (spec.voice && !voice) {
    throw new InvalidRequestError('invalid_parameter', `A ${kind} model needs a voice.`, {
      details: { kind },
    });
  }
  if (voice !== undefined && (!/^[\w.\-/]+$/.test(voice) || voice.split('/').includes('..'))) {
    throw new InvalidRequestError('invalid_parameter', `"${voice}" is not a valid voice name.`);
  }
  return { kind, dtype, voice, planned: planFiles(kind, dtype, voice) };
}

async function locate(folder: string, planned: readonly PlannedFile[]) {
  const files: Record<string, string> = {};
  const missing: string[] = [];
  for (const file of planned) {
    const path = join(folder, ...file.path.split('/'));
    if ((await presentSize(path)) !== null) files[file.role] = path;
    else if (!file.optional) missing.push(file.path);
  }
  return { files, missing };
}

async function resolveLocal<K extends ModelKind>(
  parsed: Extract<ModelRef, { type: 'local' }>,
  kind: K,
  dtype: Dtype,
  planned: readonly PlannedFile[],
): Promise<ResolvedModel<K>> {
  const { files, missing } = await locate(parsed.folder, planned);
  if (missing.length > 0) {
    const onnx = (await modelFiles(parsed.folder))
      .map((file) => file.path)
      .filter((p) => p.endsWith('.onnx'));
    const found = new Set(onnx.map(dtypeOfOnnxFile));
    const dtypes = DTYPES.filter((dtype) => found.has(dtype)).join(', ');
    throw new ModelError(
      'model_not_found',
      `${parsed.folder} is not a complete ${kind} model for dtype ${dtype}: missing ${missing.join(', ')}.` +
        (onnx.length > 0 ? ` It has ONNX files of dtype ${dtypes}.` : ''),
      { details: { model: parsed.folder, missing } },
    );
  }
  return result(parsed, kind, dtype, parsed.folder, files, null, 'local');
}

function result<K extends ModelKind>(
  parsed: ModelRef,
  kind: K,
  dtype: Dtype,
  folder: string,
  files: Record<string, string>,
  hub: ResolvedModel['hub'],
  source: ResolvedModel['source'],
): ResolvedModel<K> {
  return { name: parsed.name, kind, dtype, folder, files: files as ModelFiles<K>, hub, source };
}

/** The error for a model that is not cached and cannot be fetched: what, which files, where. */
function unavailable(
  parsed: Extract<ModelRef, { type: 'hub' }>,
  kind: ModelKind,
  dtype: Dtype,
  folder: string,
  missing: readonly string[],
  hub: HubClient,
  why: { code: 'model_offline' | 'model_hub_unreachable'; reason: string; remedy: string },
): ModelError {
  const revision = parsed.revision === 'main' ? '' : ` (revision ${parsed.revision})`;
  return new ModelError(
    why.code,
    `${parsed.name} (${kind}, ${dtype}) is not in the model cache and ${why.reason}. ` +
      `Missing files: ${missing.join(', ')}. ` +
      `Either put them, with these paths, in ${folder} (they are at ${hub.repoUrl(parsed.id)}${revision}), or ${why.remedy}.`,
    { details: { model: parsed.name, kind, dtype, folder, missing: [...missing] } },
  );
}
