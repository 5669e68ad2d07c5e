/**
 * Silero VAD v5 and v6 through onnxruntime. Both versions take `input [1, context + frame]`,
 * `state [2, 1, 128]` and `sr` (int64 scalar) and return `output [1, 1]` (speech probability) and
 * `stateN`. A frame is 512 samples at 16 kHz (256 at 8 kHz), preceded by the last 64 (32) samples
 * of the previous frame; the recurrent state and that context carry from frame to frame.
 *
 * The ONNX files ship inside the `@ricky0123/vad-web` npm package, so nothing is downloaded.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import type { Config } from '../config/index.js';
import { InvalidRequestError, ModelError } from '../errors.js';
import type { ModelContract } from '../models/contract.js';
import type { SessionLease, SessionPool } from '../models/session-pool.js';
import type { VadFrameScorer, VadModel } from './vad-model.js';

export const SILERO_VERSIONS = ['v5', 'v6'] as const;
export type SileroVersion = (typeof SILERO_VERSIONS)[number];

/** Frame and context lengths per native sample rate. */
const FRAMING: Readonly<Record<number, { frame: number; context: number }>> = {
  16000: { frame: 512, context: 64 },
  8000: { frame: 256, context: 32 },
};
const STATE_DIMS = [2, 1, 128] as const;
const STATE_SIZE = STATE_DIMS[0] * STATE_DIMS[1] * STATE_DIMS[2];

/** What a Silero v5/v6 file must offer (the older h/c "legacy" export does not fit). */
export function sileroContract(description: string): ModelContract {
  return {
    description,
    inputs: [
      { name: 'input', type: ['float32'], rank: 2 },
      { name: 'state', type: ['float32'], rank: 3 },
      { name: 'sr', type: ['int64'], rank: 0 },
    ],
    outputs: [
      { name: 'output', type: ['float32'], rank: 2 },
      { name: 'stateN', type: ['float32'], rank: 3 },
    ],
  };
}

const require = createRequire(import.meta.url);

/** Path of the Silero file shipped in `@ricky0123/vad-web`, resolved from node_modules. */
export function packagedSileroPath(version: SileroVersion): string {
  let packageJson: string;
  try {
    packageJson = require.resolve('@ricky0123/vad-web/package.json');
  } catch (error) {
    throw new ModelError(
      'model_not_found',
      `Silero VAD ${version} ships in the @ricky0123/vad-web package, which is not installed; reinstall Earshot's dependencies or set EARSHOT_VAD_MODEL_PATH.`,
      { cause: error, details: { version } },
    );
  }
  return join(dirname(packageJson), 'dist', `silero_vad_${version}.onnx`);
}

export interface SileroVadOptions {
  /** Where the onnxruntime session is loaded and shared. */
  pool: SessionPool;
  /** Default `v5`. */
  version?: SileroVersion;
  /** A Silero v5/v6 ONNX file to use instead of the packaged one. */
  path?: string | null;
}

export class SileroVad implements VadModel {
  readonly id: string;
  readonly sampleRates: readonly number[] = [16000, 8000];
  /** The ONNX file this model runs. */
  readonly path: string;
  private readonly pool: SessionPool;
  private readonly contract: ModelContract;

  constructor(options: SileroVadOptions) {
    const version = options.version ?? 'v5';
    if (!SILERO_VERSIONS.includes(version)) {
      throw new InvalidRequestError(
        'invalid_parameter',
        `Unknown Silero VAD version "${version}"; use ${SILERO_VERSIONS.join(' or ')}.`,
      );
    }
    this.pool = options.pool;
    this.path = options.path ?? packagedSileroPath(version);
    this.id = options.path ? `silero:${options.path}` : `silero-${version}`;
    this.contract = sileroContract(options.path ? 'Silero VAD' : `Silero VAD ${version}`);
  }

  frameSize(sampleRate: number): number {
    return framingFor(sampleRate).frame;
  }

  /** Loads the model now (checking the file), rather than on the first `open`. */
  async load(): Promise<void> {
    (await this.pool.acquire(this.path, this.contract)).release();
  }

  async open(sampleRate: number): Promise<VadFrameScorer> {
    const framing = framingFor(sampleRate);
    const lease = await this.pool.acquire(this.path, this.contract);
    return new SileroScorer(lease, sampleRate, framing, this.path);
  }
}

/** The Silero model the `vad` configuration section names. */
export function sileroVadFromConfig(config: Pick<Config, 'vad'>, pool: SessionPool): SileroVad {
  return new SileroVad({ pool, version: config.vad.model, path: config.vad.modelPath });
}

function framingFor(sampleRate: number): { frame: number; context: number } {
  const framing = FRAMING[sampleRate];
  if (!framing) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `Silero VAD runs at 16000 or 8000 Hz, not ${sampleRate} Hz; resample first.`,
    );
  }
  return framing;
}

class SileroScorer implements VadFrameScorer {
  readonly frameSize: number;
  private readonly contextSize: number;
  /** The model's input: the previous frame's last samples, then the current frame. */
  private readonly window: Float32Array;
  private readonly state = new Float32Array(STATE_SIZE);
  private readonly feeds: Record<string, Tensor>;
  /** The last queued run, so overlapping calls are served in order. */
  private tail: Promise<unknown> | null = null;
  private closed = false;

  constructor(
    private readonly lease: SessionLease,
    readonly sampleRate: number,
    framing: { frame: number; context: number },
    private readonly path: string,
  ) {
    this.frameSize = framing.frame;
    this.contextSize = framing.context;
    this.window = new Float32Array(framing.context + framing.frame);
    // The tensors wrap these buffers, so each run reads their current contents without copies.
    this.feeds = {
      input: new Tensor('float32', this.window, [1, this.window.length]),
      state: new Tensor('float32', this.state, [...STATE_DIMS]),
      sr: new Tensor('int64', BigInt64Array.of(BigInt(sampleRate)), []),
    };
  }

  score(frame: Float32Array): Promise<number> {
    if (this.closed) {
      return Promise.reject(
        new InvalidRequestError('invalid_request', 'This VAD scorer has been closed.'),
      );
    }
    if (frame.length !== this.frameSize) {
      return Promise.reject(
        new InvalidRequestError(
          'invalid_parameter',
          `A Silero frame at ${this.sampleRate} Hz is ${this.frameSize} samples, got ${frame.length}.`,
        ),
      );
    }
    if (this.tail === null) return this.track(this.run(frame));
    // A call made while another runs waits its turn; copy the frame so the caller may reuse it.
    const copy = frame.slice();
    return this.track(this.tail.then(() => this.run(copy)));
  }

  reset(): void {
    this.window.fill(0);
    this.state.fill(0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.lease.release();
  }

  private track(result: Promise<number>): Promise<number> {
    const tail = result.then(
      () => {},
      () => {},
    );
    this.tail = tail;
    void tail.then(() => {
      if (this.tail === tail) this.tail = null;
    });
    return result;
  }

  private async run(frame: Float32Array): Promise<number> {
    this.window.copyWithin(0, this.frameSize);
    this.window.set(frame, this.contextSize);
    let outputs: Awaited<ReturnType<SessionLease['session']['run']>>;
    try {
      outputs = await this.lease.session.run(this.feeds);
    } catch (error) {
      throw new ModelError(
        'model_inference_failed',
        `Silero VAD failed on ${this.path}: ${(error as Error).message}`,
        { cause: error, details: { path: this.path } },
      );
    }
    const probability = outputs['output']?.data as Float32Array;
    const state = outputs['stateN']?.data as Float32Array;
    if (probability.length !== 1 || state.length !== STATE_SIZE) {
      throw new ModelError(
        'model_contract_mismatch',
        `${this.path} returned output of ${probability.length} values and stateN of ${state.length}; Silero VAD returns 1 and ${STATE_SIZE}.`,
        { details: { path: this.path } },
      );
    }
    this.state.set(state);
    return probability[0] as number;
  }
}
