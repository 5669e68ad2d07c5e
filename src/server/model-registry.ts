/**
 * The models a server offers: canonical ids, aliases (`whisper-1` → the default model), lazy
 * loading shared by all requests, idle unloading, and a readiness check. Loading is delegated to
 * an injected `ModelLoader`, so the same registry serves real ONNX models and test models.
 */
import type { TranscriptionModel } from '../asr/types.js';
import { ModelError, toEarshotError } from '../errors.js';
import { type Clock, systemClock } from './clock.js';

/** Turns a model id into a loaded model (fails with a `ModelError`). */
export type ModelLoader = (modelId: string) => Promise<TranscriptionModel>;

/** OpenAI model names clients send by default; they name the default model unless re-aliased. */
export const DEFAULT_MODEL_ALIASES = ['whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe'];

export interface ModelRegistryOptions {
  /** The model used when a request names none. */
  defaultModel: string;
  /** Further models a request may name. */
  models?: readonly string[];
  /** Extra names: alias → model id (or another alias of the default). */
  aliases?: Readonly<Record<string, string>>;
  loader: ModelLoader;
  /** Unload a model after this many idle seconds; 0 keeps it until `close()`. */
  idleTtlS?: number;
  clock?: Clock;
}

export interface ModelInfo {
  id: string;
  /** The model this name stands for, when it is an alias. */
  aliasOf: string | null;
  loaded: boolean;
}

export interface ModelLoadEvent {
  modelId: string;
  seconds: number;
  ok: boolean;
}

/** A loaded model held for a while (a live session): it is not unloaded until released. */
export interface ModelLease {
  model: TranscriptionModel;
  /** Gives the model back (once; later calls do nothing). */
  release(): void;
}

export interface ModelReadiness {
  id: string;
  ready: boolean;
  error?: { code: string; message: string };
}

interface Entry {
  model: Promise<TranscriptionModel>;
  users: number;
  cancelUnload: (() => void) | null;
}

export class ModelRegistry {
  readonly defaultModel: string;
  private readonly served: string[];
  private readonly aliases = new Map<string, string>();
  private readonly entries = new Map<string, Entry>();
  private readonly loadListeners: Array<(event: ModelLoadEvent) => void> = [];
  private readonly clock: Clock;
  private closed = false;

  constructor(private readonly options: ModelRegistryOptions) {
    this.defaultModel = options.defaultModel;
    this.clock = options.clock ?? systemClock;
    this.served = [...new Set([options.defaultModel, ...(options.models ?? [])])];
    for (const alias of DEFAULT_MODEL_ALIASES) this.aliases.set(alias, options.defaultModel);
    for (const [alias, target] of Object.entries(options.aliases ?? {})) {
      this.aliases.set(alias, this.aliases.get(target) ?? target);
      if (!this.served.includes(this.aliases.get(alias) as string))
        this.served.push(this.aliases.get(alias) as string);
    }
    for (const [alias, target] of this.aliases) {
      if (alias === target) this.aliases.delete(alias);
    }
  }

  /** Called after every load attempt (for model load time metrics). */
  onLoad(listener: (event: ModelLoadEvent) => void): void {
    this.loadListeners.push(listener);
  }

  /** The canonical id for a requested name; no name means the default model. */
  resolve(requested: string | null | undefined): string {
    if (requested === undefined || requested === null || requested === '') return this.defaultModel;
    const id = this.aliases.get(requested) ?? requested;
    if (!this.served.includes(id)) {
      throw new ModelError(
        'model_not_found',
        `The model "${requested}" does not exist on this server. Models: ${this.names().join(', ')}.`,
        { details: { param: 'model', model: requested } },
      );
    }
    return id;
  }

  /** The canonical ids of the models this server offers. */
  ids(): string[] {
    return [...this.served];
  }

  /** Every name a request may use: canonical ids first, then aliases. */
  names(): string[] {
    return [...this.served, ...this.aliases.keys()];
  }

  list(): ModelInfo[] {
    return [
      ...this.served.map((id) => ({ id, aliasOf: null, loaded: this.entries.has(id) })),
      ...[...this.aliases].map(([id, target]) => ({
        id,
        aliasOf: target,
        loaded: this.entries.has(target),
      })),
    ];
  }

  /** Runs `work` with the loaded model `id` (a canonical id from `resolve`). */
  async use<T>(id: string, work: (model: TranscriptionModel) => Promise<T>): Promise<T> {
    const entry = this.acquire(id);
    try {
      return await work(await entry.model);
    } finally {
      this.release(id, entry);
    }
  }

  /**
   * Holds the loaded model `id` (a canonical id from `resolve`) until the lease is released: the
   * same shared model `use` gives, kept loaded however long its holder is idle.
   */
  async lease(id: string): Promise<ModelLease> {
    const entry = this.acquire(id);
    let model: TranscriptionModel;
    try {
      model = await entry.model;
    } catch (error) {
      this.release(id, entry);
      throw error;
    }
    let held = true;
    return {
      model,
      release: () => {
        if (!held) return;
        held = false;
        this.release(id, entry);
      },
    };
  }

  /** Loads every served model (or finds it loaded) and reports which ones work. */
  async check(): Promise<ModelReadiness[]> {
    return Promise.all(
      this.served.map(async (id) => {
        try {
          await this.use(id, async () => undefined);
          return { id, ready: true };
        } catch (error) {
          const { code, message } = toEarshotError(error);
          return { id, ready: false, error: { code, message } };
        }
      }),
    );
  }

  /** Closes every loaded model; later requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      entries.map(async (entry) => {
        entry.cancelUnload?.();
        const model = await entry.model.catch(() => null);
        await model?.close();
      }),
    );
  }

  private acquire(id: string): Entry {
    if (this.closed) {
      throw new ModelError(
        'model_load_failed',
        'The server is shutting down; no model can be used.',
      );
    }
    let entry = this.entries.get(id);
    if (!entry) {
      const created: Entry = { model: this.load(id), users: 0, cancelUnload: null };
      this.entries.set(id, created);
      // A failed load is forgotten, so that the next request tries again (files may be fixed).
      created.model.catch(() => {
        if (this.entries.get(id) === created) this.entries.delete(id);
      });
      entry = created;
    }
    entry.users++;
    entry.cancelUnload?.();
    entry.cancelUnload = null;
    return entry;
  }

  private release(id: string, entry: Entry): void {
    entry.users--;
    const ttl = this.options.idleTtlS ?? 0;
    if (entry.users > 0 || ttl <= 0 || this.entries.get(id) !== entry) return;
    entry.cancelUnload = this.clock.setTimeout(() => {
      if (entry.users > 0 || this.entries.get(id) !== entry) return;
      this.entries.delete(id);
      void entry.model.then((model) => model.close()).catch(() => {});
    }, ttl * 1000);
  }

  private async load(id: string): Promise<TranscriptionModel> {
    const started = this.clock.now();
    const report = (ok: boolean) => {
      const event = { modelId: id, seconds: (this.clock.now() - started) / 1000, ok };
      for (const listener of this.loadListeners) listener(event);
    };
    try {
      const model = await this.options.loader(id);
      report(true);
      return model;
    } catch (error) {
      report(false);
      throw error;
    }
  }
}
