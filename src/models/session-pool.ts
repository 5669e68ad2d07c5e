/**
 * One onnxruntime session per model file, created on first use, shared by every caller, and
 * unloaded after it has been idle for the configured time. Loading checks the file against the
 * caller's contract, so a wrong or damaged file fails with a typed error before inference.
 */
import { access, readFile, stat } from 'node:fs/promises';
import { InferenceSession } from 'onnxruntime-node';
import type { Config } from '../config/index.js';
import { EarshotError, ModelError } from '../errors.js';
import { checkContract, type ModelContract } from './contract.js';

export interface SessionPoolOptions {
  executionProvider: 'cpu' | 'cuda';
  /** 0 lets onnxruntime choose. */
  intraOpThreads: number;
  interOpThreads: number;
  /** Seconds an unused session stays loaded; 0 keeps sessions until `close()`. */
  idleTtlS: number;
  /**
   * Whether idle operator threads spin waiting for work (onnxruntime's default) instead of
   * sleeping. Spinning saves microseconds per operator for one model running alone, and burns the
   * cores other models need when several run at once (live drafts and confirms, a server). Default
   * false.
   */
  spinWait?: boolean;
}

export function sessionPoolOptions(config: Pick<Config, 'onnx'>): SessionPoolOptions {
  return { ...config.onnx };
}

interface Entry {
  session: Promise<InferenceSession>;
  users: number;
  idleTimer: NodeJS.Timeout | null;
  loadMs: number | null;
}

/** A loaded session; call `release()` when done so the pool can unload it once idle. */
export interface SessionLease {
  session: InferenceSession;
  release(): void;
}

export type SessionLoadListener = (event: { path: string; loadMs: number }) => void;

/**
 * A model made from a file rather than the file itself (a graph rebuilt from its weights, for
 * instance). It is loaded and shared like a file, under the file's path plus `key`.
 */
export interface DerivedModel {
  /** Names this derivation among others of the same file. */
  key: string;
  /** Turns the file's bytes into the ONNX model to load; may check it and throw a `ModelError`. */
  build(bytes: Uint8Array, path: string): Uint8Array | Promise<Uint8Array>;
}

export class SessionPool {
  private readonly entries = new Map<string, Entry>();
  private readonly loadListeners: SessionLoadListener[] = [];

  constructor(readonly options: SessionPoolOptions) {}

  /** Called after each session load (for metrics such as model load time). */
  onLoad(listener: SessionLoadListener): void {
    this.loadListeners.push(listener);
  }

  /** Paths of the sessions currently loaded or loading. */
  loaded(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Borrows the session for `path` (or for the model `derived` from it), loading it and checking
   * `contract` on first use.
   */
  async acquire(
    path: string,
    contract: ModelContract,
    derived?: DerivedModel,
  ): Promise<SessionLease> {
    const key = derived ? `${path}#${derived.key}` : path;
    let entry = this.entries.get(key);
    if (!entry) {
      const created: Entry = {
        session: this.load(path, contract, derived),
        users: 0,
        idleTimer: null,
        loadMs: null,
      };
      entry = created;
      this.entries.set(key, created);
      // A failed load is forgotten so that the next caller tries again (the file may be fixed).
      created.session.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
    }
    entry.users++;
    if (entry.idleTimer) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = null;
    }
    let session: InferenceSession;
    try {
      session = await entry.session;
    } catch (error) {
      entry.users--;
      throw error;
    }
    const current = entry;
    let released = false;
    return {
      session,
      release: () => {
        if (released) return;
        released = true;
        current.users--;
        if (current.users === 0) this.scheduleUnload(key, current);
      },
    };
  }

  /** Runs `work` with the session for `path` and releases it afterwards. */
  async use<T>(
    path: string,
    contract: ModelContract,
    work: (session: InferenceSession) => Promise<T>,
  ): Promise<T> {
    const lease = await this.acquire(path, contract);
    try {
      return await work(lease.session);
    } finally {
      lease.release();
    }
  }

  /** Unloads every session. Sessions still borrowed are released when their users finish. */
  async close(): Promise<void> {
    const entries = [...this.entries.entries()];
    this.entries.clear();
    await Promise.all(
      entries.map(async ([, entry]) => {
        if (entry.idleTimer) clearTimeout(entry.idleTimer);
        const session = await entry.session.catch(() => null);
        await session?.release();
      }),
    );
  }

  private async derive(path: string, derived: DerivedModel): Promise<Uint8Array> {
    try {
      return await derived.build(new Uint8Array(await readFile(path)), path);
    } catch (error) {
      if (error instanceof EarshotError) throw error;
      throw new ModelError(
        'model_corrupt',
        `Cannot make ${derived.key} from ${path}: ${(error as Error).message}`,
        { cause: error, details: { path } },
      );
    }
  }

  private scheduleUnload(path: string, entry: Entry): void {
    if (this.options.idleTtlS <= 0) return;
    entry.idleTimer = setTimeout(() => {
      if (entry.users > 0 || this.entries.get(path) !== entry) return;
      this.entries.delete(path);
      void entry.session.then((session) => session.release()).catch(() => {});
    }, this.options.idleTtlS * 1000);
    entry.idleTimer.unref();
  }

  private async load(
    path: string,
    contract: ModelContract,
    derived?: DerivedModel,
  ): Promise<InferenceSession> {
    try {
      await access(path);
      if ((await stat(path)).size === 0) throw new Error('empty file');
    } catch {
      throw new ModelError(
        'model_file_missing',
        `The ${contract.description} model file ${path} is missing or empty.`,
        {
          details: { path },
        },
      );
    }
    const started = performance.now();
    const source = derived ? await this.derive(path, derived) : path;
    const sessionOptions: InferenceSession.SessionOptions = {
      executionProviders: [this.options.executionProvider],
      ...(this.options.intraOpThreads > 0
        ? { intraOpNumThreads: this.options.intraOpThreads }
        : {}),
      ...(this.options.interOpThreads > 0
        ? { interOpNumThreads: this.options.interOpThreads }
        : {}),
      graphOptimizationLevel: 'all',
      extra: {
        session: {
          intra_op: { allow_spinning: this.options.spinWait ? '1' : '0' },
          inter_op: { allow_spinning: this.options.spinWait ? '1' : '0' },
        },
      },
    };
    let session: InferenceSession;
    try {
      session =
        typeof source === 'string'
          ? await InferenceSession.create(source, sessionOptions)
          : await InferenceSession.create(source, sessionOptions);
    } catch (error) {
      const message = (error as Error).message;
      const providerProblem =
        this.options.executionProvider !== 'cpu' && /provider|cuda|libcu/i.test(message);
      throw new ModelError(
        providerProblem ? 'model_load_failed' : 'model_corrupt',
        providerProblem
          ? `The ${this.options.executionProvider} execution provider could not load ${path}: ${message}. Install onnxruntime's CUDA files or set EARSHOT_EXECUTION_PROVIDER=cpu.`
          : `The ${contract.description} model file ${path} is not a valid ONNX model: ${message}`,
        { cause: error, details: { path } },
      );
    }
    try {
      checkContract(contract, session, derived ? `${path} (${derived.key})` : path);
    } catch (error) {
      await session.release();
      throw error;
    }
    const loadMs = performance.now() - started;
    for (const listener of this.loadListeners) listener({ path, loadMs });
    return session;
  }
}
