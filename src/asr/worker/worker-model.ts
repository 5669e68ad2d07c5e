/**
 * A Whisper model that runs in a worker thread. onnxruntime-node runs inference on the thread
 * that calls it: a model on the main thread stops everything else there while it computes (an
 * encoder window of a base model: most of a second). Live sessions put their accurate model in
 * a worker, so the fast draft model, and the program's input and output, keep running beside it.
 */
import { Worker } from 'node:worker_threads';
import type { PcmAudio } from '../../audio/load.js';
import { EarshotError, isErrorCode, ModelError } from '../../errors.js';
import type { ResolvedModel } from '../../models/model-store.js';
import type { SessionPoolOptions } from '../../models/session-pool.js';
import type { WhisperTokenizer } from '../tokenizer/whisper-tokenizer.js';
import type {
  LanguageDetection,
  TranscribeOptions,
  TranscriptionModel,
  TranscriptionResult,
} from '../types.js';
import { readWhisperFolder } from '../whisper/model-files.js';
import type { FromWorker, ModelWorkerData, PortableError, ToWorker } from './protocol.js';

interface Pending {
  resolve(value: TranscriptionResult | LanguageDetection): void;
  reject(error: unknown): void;
  options: TranscribeOptions;
}

// From the TypeScript sources (tests, benchmarks) the worker registers the TypeScript loader
// (tsx, a development dependency) before it imports its entry; the built package needs none.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./model-worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);

function startWorker(workerData: ModelWorkerData): Worker {
  if (!FROM_SOURCE) {
    // A worker inherits the process's flags; `--input-type` (a program given with -e) is refused
    // for a worker started from a file.
    const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
    return new Worker(WORKER_URL, { workerData, execArgv });
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

function fromPortable(error: PortableError): EarshotError {
  return new EarshotError(isErrorCode(error.code) ? error.code : 'internal_error', error.message, {
    ...(error.details ? { details: error.details } : {}),
  });
}

export class WorkerTranscriptionModel implements TranscriptionModel {
  readonly provider = 'whisper-onnx-worker';
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private exited: EarshotError | null = null;

  private constructor(
    readonly modelId: string,
    private readonly worker: Worker,
    private readonly tokenizer: WhisperTokenizer,
  ) {
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () =>
      this.fail(new ModelError('model_load_failed', `The worker of ${modelId} stopped.`)),
    );
  }

  /**
   * Loads a resolved Whisper model in a new worker thread with its own session pool (`pool`:
   * threads, execution provider). Resolves once the model is loaded; load errors are the
   * engine's.
   */
  static async open(
    model: ResolvedModel<'whisper'>,
    pool: SessionPoolOptions,
  ): Promise<WorkerTranscriptionModel> {
    const { tokenizer } = await readWhisperFolder(model.folder);
    const workerData: ModelWorkerData = { model, pool };
    const worker = startWorker(workerData);
    let onMessage: (message: FromWorker) => void = () => {};
    let onError: (error: unknown) => void = () => {};
    let onExit: (code: number) => void = () => {};
    try {
      await new Promise<void>((resolve, reject) => {
        onMessage = (message) => {
          if (message.type === 'ready') resolve();
          if (message.type === 'failed') reject(fromPortable(message.error));
        };
        onError = reject;
        onExit = (code) =>
          reject(new ModelError('model_load_failed', `The model worker exited with code ${code}.`));
        worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      });
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      // Only these listeners: the worker's own keep its message port running.
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    }
    return new WorkerTranscriptionModel(model.name, worker, tokenizer);
  }

  transcribe(audio: PcmAudio, options: TranscribeOptions = {}): Promise<TranscriptionResult> {
    const { signal, onProgress, onSegment, ...portable } = options;
    return this.request(
      (id, samples) => ({
        type: 'transcribe',
        id,
        samples,
        sampleRate: audio.sampleRate,
        options: { ...portable, reportProgress: !!onProgress, reportSegments: !!onSegment },
      }),
      audio,
      options,
    ) as Promise<TranscriptionResult>;
  }

  detectLanguage(audio: PcmAudio, options: { signal?: AbortSignal } = {}) {
    return this.request(
      (id, samples) => ({ type: 'detect', id, samples, sampleRate: audio.sampleRate }),
      audio,
      options,
    ) as Promise<LanguageDetection>;
  }

  tokenText(token: number): { text: string; bytes: Uint8Array } | null {
    if (token >= this.tokenizer.eot) return null;
    return { text: this.tokenizer.decode([token]), bytes: this.tokenizer.bpe.tokenBytes(token) };
  }

  async close(): Promise<void> {
    this.exited ??= new ModelError('model_load_failed', `${this.modelId} was closed.`);
    await this.worker.terminate();
  }

  private request(
    message: (id: number, samples: Float32Array) => ToWorker,
    audio: PcmAudio,
    options: TranscribeOptions,
  ): Promise<TranscriptionResult | LanguageDetection> {
    if (this.exited) return Promise.reject(this.exited);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.nextId++;
    // A copy of just these samples moves to the worker (a view would clone its whole buffer).
    const samples = audio.samples.slice();
    return new Promise((resolve, reject) => {
      const abort = () => {
        this.pending.delete(id);
        this.worker.postMessage({ type: 'abort', id } satisfies ToWorker);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.pending.set(id, {
        resolve: (value) => {
          signal?.removeEventListener('abort', abort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', abort);
          reject(error);
        },
        options,
      });
      this.worker.postMessage(message(id, samples), [samples.buffer]);
    });
  }

  private receive(message: FromWorker): void {
    if (message.type === 'ready' || message.type === 'failed') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    switch (message.type) {
      case 'progress':
        pending.options.onProgress?.(message.progress);
        break;
      case 'segment':
        pending.options.onSegment?.(message.segment);
        break;
      case 'result':
        this.pending.delete(message.id);
        pending.resolve(message.result);
        break;
      case 'error':
        this.pending.delete(message.id);
        pending.reject(fromPortable(message.error));
        break;
    }
  }

  private fail(error: unknown): void {
    this.exited ??=
      error instanceof EarshotError
        ? error
        : new ModelError(
            'model_load_failed',
            `The worker of ${this.modelId} failed: ${String(error)}`,
          );
    for (const pending of this.pending.values()) pending.reject(this.exited);
    this.pending.clear();
  }
}
