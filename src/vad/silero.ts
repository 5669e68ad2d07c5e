/**
 * Silero VAD v5 and v6 through onnxruntime. Both versions take `input [1, context + frame]`,
 * `state [2, 1, 128]` and `sr` (int64 scalar) and return `output [1, 1]` (speech probability) and
 * `stateN`. A frame is 512 samples at 16 kHz (256 at 8 kHz), preceded by the last 64 (32) samples
 * of the previous frame; the recurrent state and that context carry from frame to frame.
 *
 * The ONNX files ship inside the `@ricky0123/vad-web` npm package, so nothing is downloaded. What
 * runs is the same network with the same weights laid out for many frames per call
 * (`silero-graph.ts`), checked against the file itself when it is loaded.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Config } from '../config/index.js';
import { InvalidRequestError, ModelError } from '../errors.js';
import { checkContract, type ModelContract } from '../models/contract.js';
import { decodeOnnx } from '../models/onnx-proto.js';
import type { SessionLease, SessionPool } from '../models/session-pool.js';
import {
  buildSileroSequence,
  SILERO_SEQUENCE_CONTRACT,
  type SileroFraming,
  verifySileroSequence,
} from './silero-graph.js';
import type { VadFrameScorer, VadModel } from './vad-model.js';

export const SILERO_VERSIONS = ['v5', 'v6'] as const;
export type SileroVersion = (typeof SILERO_VERSIONS)[number];

/** Frame and context lengths per native sample rate. */
const FRAMING: Readonly<Record<number, SileroFraming>> = {
  16000: { sampleRate: 16000, frame: 512, context: 64 },
  8000: { sampleRate: 8000, frame: 256, context: 32 },
};
const STATE_DIMS = [2, 1, 128] as const;
const STATE_SIZE = STATE_DIMS[0] * STATE_DIMS[1] * STATE_DIMS[2];
/** Frames per onnxruntime call, bounding the input buffer (about 33 s at 16 kHz). */
const MAX_FRAMES_PER_RUN = 1024;

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

/**
 * The sequence graph for one rate, made from a Silero file: the file must meet the Silero
 * contract, and the graph must reproduce the file's own outputs on a probe signal.
 */
export async function sileroSequenceFromFile(
  bytes: Uint8Array,
  framing: SileroFraming,
  path: string,
  contract: ModelContract,
): Promise<Uint8Array> {
  const reference = await InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  try {
    checkContract(contract, reference, path);
    const sequence = buildSileroSequence(decodeOnnx(bytes, path), framing, path);
    await verifySileroSequence(reference, sequence, framing, path);
    return sequence;
  } finally {
    await reference.release();
  }
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

  /** Loads the model for `sampleRate` now (checking the file), rather than on the first `open`. */
  async load(sampleRate = 16000): Promise<void> {
    (await this.acquire(framingFor(sampleRate))).release();
  }

  async open(sampleRate: number): Promise<VadFrameScorer> {
    const framing = framingFor(sampleRate);
    return new SileroScorer(await this.acquire(framing), framing, this.path);
  }

  private acquire(framing: SileroFraming): Promise<SessionLease> {
    return this.pool.acquire(this.path, SILERO_SEQUENCE_CONTRACT, {
      key: `silero-sequence-${framing.sampleRate}`,
      build: (bytes, path) => sileroSequenceFromFile(bytes, framing, path, this.contract),
    });
  }
}

/** The Silero model the `vad` configuration section names. */
export function sileroVadFromConfig(config: Pick<Config, 'vad'>, pool: SessionPool): SileroVad {
  return new SileroVad({ pool, version: config.vad.model, path: config.vad.modelPath });
}

function framingFor(sampleRate: number): SileroFraming {
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
  readonly sampleRate: number;
  readonly frameSize: number;
  private readonly contextSize: number;
  private readonly rowLength: number;
  /** The last `context` samples seen, which precede the next frame. */
  private readonly context: Float32Array;
  private readonly state = new Float32Array(STATE_SIZE);
  private readonly stateTensor: Tensor;
  /** Model input rows (context + frame each), reused from call to call. */
  private rows = new Float32Array(0);
  /** The last queued run, so overlapping calls are served in order. */
  private tail: Promise<unknown> | null = null;
  private closed = false;

  constructor(
    private readonly lease: SessionLease,
    framing: SileroFraming,
    private readonly path: string,
  ) {
    this.sampleRate = framing.sampleRate;
    this.frameSize = framing.frame;
    this.contextSize = framing.context;
    this.rowLength = framing.context + framing.frame;
    this.context = new Float32Array(framing.context);
    // The tensor wraps the buffer, so each run reads the state as it is then.
    this.stateTensor = new Tensor('float32', this.state, [...STATE_DIMS]);
  }

  async score(frame: Float32Array): Promise<number> {
    if (frame.length !== this.frameSize) {
      throw new InvalidRequestError(
        'invalid_parameter',
        `A Silero frame at ${this.sampleRate} Hz is ${this.frameSize} samples, got ${frame.length}.`,
      );
    }
    return (await this.scoreFrames(frame))[0] as number;
  }

  scoreFrames(samples: Float32Array): Promise<Float32Array> {
    if (this.closed) {
      return Promise.reject(
        new InvalidRequestError('invalid_request', 'This VAD scorer has been closed.'),
      );
    }
    if (samples.length % this.frameSize !== 0) {
      return Promise.reject(
        new InvalidRequestError(
          'invalid_parameter',
          `Silero frames at ${this.sampleRate} Hz are ${this.frameSize} samples; ${samples.length} samples is not a whole number of frames.`,
        ),
      );
    }
    if (this.tail === null) return this.track(this.run(samples));
    // A call made while another runs waits its turn; copy the audio so the caller may reuse it.
    const copy = samples.slice();
    return this.track(this.tail.then(() => this.run(copy)));
  }

  reset(): void {
    this.context.fill(0);
    this.state.fill(0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.lease.release();
  }

  private track(result: Promise<Float32Array>): Promise<Float32Array> {
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

  private async run(samples: Float32Array): Promise<Float32Array> {
    const frames = samples.length / this.frameSize;
    const probabilities = new Float32Array(frames);
    for (let first = 0; first < frames; first += MAX_FRAMES_PER_RUN) {
      const count = Math.min(MAX_FRAMES_PER_RUN, frames - first);
      const block = samples.subarray(first * this.frameSize, (first + count) * this.frameSize);
      probabilities.set(await this.runBlock(block, count), first);
    }
    return probabilities;
  }

  private async runBlock(block: Float32Array, frames: number): Promise<Float32Array> {
    const length = frames * this.rowLength;
    if (this.rows.length < length) this.rows = new Float32Array(length);
    const rows = this.rows.subarray(0, length);
    for (let f = 0; f < frames; f++) {
      const row = f * this.rowLength;
      if (f === 0) rows.set(this.context, row);
      else rows.set(block.subarray(f * this.frameSize - this.contextSize, f * this.frameSize), row);
      rows.set(
        block.subarray(f * this.frameSize, (f + 1) * this.frameSize),
        row + this.contextSize,
      );
    }
    this.context.set(block.subarray(block.length - this.contextSize));
    let outputs: InferenceSession.OnnxValueMapType;
    try {
      outputs = await this.lease.session.run({
        frames: new Tensor('float32', rows, [frames, this.rowLength]),
        state: this.stateTensor,
      });
    } catch (error) {
      throw new ModelError(
        'model_inference_failed',
        `Silero VAD failed on ${this.path}: ${(error as Error).message}`,
        { cause: error, details: { path: this.path } },
      );
    }
    this.state.set((outputs['stateN'] as Tensor).data as Float32Array);
    return (outputs['probabilities'] as Tensor).data as Float32Array;
  }
}
