/**
 * The Whisper transcription engine: a `TranscriptionModel` over ONNX sessions from a model
 * folder, sharing sessions through the pool.
 */
import { stat } from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';
import type { PcmAudio } from '../../audio/load.js';
import { resample } from '../../audio/resample.js';
import { logMelSpectrogram, WHISPER_N_FRAMES, WHISPER_N_SAMPLES } from '../../dsp/whisper-mel.js';
import type { ModelContract } from '../../models/contract.js';
import { acquireModelSession } from '../../models/model-sessions.js';
import type { ResolvedModel } from '../../models/model-store.js';
import type { DerivedModel, SessionLease, SessionPool } from '../../models/session-pool.js';
import { SileroVad } from '../../vad/silero.js';
import type { VadModel } from '../../vad/vad-model.js';
import { WindowDecoder } from '../decoding/decode-window.js';
import { transcribeSpeechWithVad } from '../speech-only.js';
import type { WhisperTokenizer } from '../tokenizer/whisper-tokenizer.js';
import { transcribeWhisper } from '../transcribe.js';
import type {
  LanguageDetection,
  TranscribeOptions,
  TranscriptionModel,
  TranscriptionResult,
} from '../types.js';
import {
  CACHED_STEP_CONTRACT,
  CACHED_STEP_DECODER,
  cachedStepAgrees,
  cachedStepDecoderFile,
} from './cached-step-decoder.js';
import { readWhisperFolder } from './model-files.js';
import { OnnxWhisperRuntime, type WhisperArchitecture } from './onnx-runtime.js';
import {
  VARIABLE_LENGTH_ENCODER,
  VARIABLE_LENGTH_ENCODER_CONTRACT,
  variableLengthEncoderAgrees,
  variableLengthEncoderFile,
} from './variable-length-encoder.js';

/**
 * Largest source file graphs are derived from: a derived graph holds its own copy of the weights,
 * worth it up to medium-sized models, not for large ones, whose copy would cost gigabytes.
 */
const MAX_DERIVED_SOURCE_BYTES = 1024 ** 3;

/** A graph derived from a model file: where it is kept, its contract, how to build it. */
interface Derivation {
  file(sourcePath: string): Promise<string | null>;
  contract: ModelContract;
  model: DerivedModel;
}

/**
 * The graph `derivation` builds from `sourcePath`, when it can be built and `agrees` with the
 * original on a probe; otherwise null, and the engine keeps using the original.
 */
async function checkedDerived(
  pool: SessionPool,
  sourcePath: string,
  derivation: Derivation,
  agrees: (derived: InferenceSession) => Promise<boolean>,
): Promise<SessionLease | null> {
  let lease: SessionLease;
  try {
    if ((await stat(sourcePath)).size > MAX_DERIVED_SOURCE_BYTES) return null;
    const file = await derivation.file(sourcePath);
    lease = file
      ? await pool.acquire(file, derivation.contract)
      : await pool.acquire(sourcePath, derivation.contract, derivation.model);
  } catch {
    return null;
  }
  if (await agrees(lease.session).catch(() => false)) return lease;
  lease.release();
  return null;
}

const floatTypeOf = (session: InferenceSession, input: (name: string) => boolean) => {
  const value = session.inputMetadata.find((metadata) => input(metadata.name));
  return value?.isTensor && value.type === 'float16' ? 'float16' : 'float32';
};

/** The cached-step decoder (see `cached-step-decoder.ts`), checked against the merged one. */
function checkedCachedStep(
  pool: SessionPool,
  decoderPath: string,
  decoder: SessionLease,
  architecture: WhisperArchitecture,
): Promise<SessionLease | null> {
  const floatType = floatTypeOf(decoder.session, (name) => name.startsWith('past_key_values.'));
  return checkedDerived(
    pool,
    decoderPath,
    { file: cachedStepDecoderFile, contract: CACHED_STEP_CONTRACT, model: CACHED_STEP_DECODER },
    (derived) => cachedStepAgrees(decoder.session, derived, architecture, floatType),
  );
}

/** The variable-length encoder (see `variable-length-encoder.ts`), checked against the encoder. */
function checkedVariableLengthEncoder(
  pool: SessionPool,
  encoderPath: string,
  encoder: SessionLease,
  nMels: number,
): Promise<SessionLease | null> {
  const floatType = floatTypeOf(encoder.session, (name) => name === 'input_features');
  return checkedDerived(
    pool,
    encoderPath,
    {
      file: variableLengthEncoderFile,
      contract: VARIABLE_LENGTH_ENCODER_CONTRACT,
      model: VARIABLE_LENGTH_ENCODER,
    },
    (derived) => variableLengthEncoderAgrees(encoder.session, derived, nMels, floatType),
  );
}

/**
 * The ONNX runtime and tokenizer of a resolved model: what `WhisperModel` is built on
 * (benchmarks use it directly to time decoder steps). `runtime.close()` releases its sessions.
 */
export async function openWhisperRuntime(
  model: ResolvedModel<'whisper'>,
  pool: SessionPool,
): Promise<{ runtime: OnnxWhisperRuntime; tokenizer: WhisperTokenizer }> {
  const folder = await readWhisperFolder(model.folder);
  const encoder = await acquireModelSession(pool, model, 'encoder');
  let decoder: SessionLease;
  try {
    decoder = await acquireModelSession(pool, model, 'decoder');
  } catch (error) {
    encoder.release();
    throw error;
  }
  try {
    const cachedStep = await checkedCachedStep(
      pool,
      model.files.decoder,
      decoder,
      folder.architecture,
    );
    const runtime = new OnnxWhisperRuntime(encoder, decoder, folder.architecture, cachedStep, () =>
      checkedVariableLengthEncoder(pool, model.files.encoder, encoder, folder.architecture.nMels),
    );
    return { runtime, tokenizer: folder.tokenizer };
  } catch (error) {
    encoder.release();
    decoder.release();
    throw error;
  }
}

export class WhisperModel implements TranscriptionModel {
  readonly provider = 'whisper-onnx';

  private constructor(
    readonly modelId: string,
    private readonly runtime: OnnxWhisperRuntime,
    readonly tokenizer: WhisperTokenizer,
    private readonly vad: VadModel,
  ) {}

  /**
   * Loads a model the store has resolved (`store.resolve(ref, { kind: 'whisper', dtype })`); its
   * sessions come from, and stay shared in, `pool`. `vad` serves the `vad` option (default: the
   * packaged Silero v5, loaded on first use).
   */
  static async load(
    model: ResolvedModel<'whisper'>,
    pool: SessionPool,
    options: { vad?: VadModel } = {},
  ): Promise<WhisperModel> {
    const { runtime, tokenizer } = await openWhisperRuntime(model, pool);
    const vad = options.vad ?? new SileroVad({ pool });
    return new WhisperModel(model.name, runtime, tokenizer, vad);
  }

  /** Whether cached steps run the derived with-cache graph (see `cached-step-decoder.ts`). */
  get usesCachedStepDecoder(): boolean {
    return this.runtime.usesCachedStep;
  }

  get hasCrossAttentions(): boolean {
    return this.runtime.hasCrossAttentions;
  }

  async transcribe(audio: PcmAudio, options: TranscribeOptions = {}): Promise<TranscriptionResult> {
    const samples =
      audio.sampleRate === 16_000
        ? audio.samples
        : resample(audio.samples, audio.sampleRate, 16_000);
    const parts = { runtime: this.runtime, tokenizer: this.tokenizer };
    if (options.vad) {
      return transcribeSpeechWithVad(samples, options, this.vad, (chunk, chunkOptions) =>
        transcribeWhisper(parts, chunk, chunkOptions),
      );
    }
    return transcribeWhisper(parts, samples, options);
  }

  async detectLanguage(audio: PcmAudio): Promise<LanguageDetection> {
    const samples =
      audio.sampleRate === 16_000
        ? audio.samples
        : resample(audio.samples, audio.sampleRate, 16_000);
    const mel = logMelSpectrogram(samples, {
      nMels: this.runtime.dimensions.nMels,
      padding: WHISPER_N_SAMPLES,
    });
    const features = new Float32Array(mel.nMels * WHISPER_N_FRAMES);
    for (let m = 0; m < mel.nMels; m++) {
      features.set(
        mel.data.subarray(m * mel.nFrames, m * mel.nFrames + WHISPER_N_FRAMES),
        m * WHISPER_N_FRAMES,
      );
    }
    const window = await this.runtime.encode(features);
    try {
      const languageProbs = await new WindowDecoder(this.runtime, this.tokenizer).detectLanguage(
        window,
      );
      const [language, probability] = Object.entries(languageProbs).reduce((best, entry) =>
        entry[1] > best[1] ? entry : best,
      );
      return { language, probability, languageProbs };
    } finally {
      window.dispose();
    }
  }

  tokenText(token: number): { text: string; bytes: Uint8Array } | null {
    if (token >= this.tokenizer.eot) return null;
    return { text: this.tokenizer.decode([token]), bytes: this.tokenizer.bpe.tokenBytes(token) };
  }

  async close(): Promise<void> {
    this.runtime.close();
  }
}
