/**
 * Kokoro as a `SpeechModel`: the ONNX export in `onnx-community/Kokoro-82M-v1.0-ONNX` layout
 * (`onnx/model{suffix}.onnx`, `tokenizer.json`, `voices/<voice>.bin`), loaded through the model
 * store and the shared session pool. Text becomes misaki-style phonemes through eSpeak NG, then
 * tokens; each call gets the pad-wrapped tokens, the voice's style vector for the phoneme count
 * and the speed, and returns 24 kHz audio.
 */
import { Tensor } from 'onnxruntime-node';
import { float32ToFloat16 } from '../../asr/whisper/float16.js';
import { EarshotError, ModelError, SpeechError } from '../../errors.js';
import type { Dtype } from '../../models/dtypes.js';
import { acquireModelSession } from '../../models/model-sessions.js';
import type { ModelStore, ResolvedModel } from '../../models/model-store.js';
import type { SessionPool } from '../../models/session-pool.js';
import type { EspeakRuntime } from '../espeak/runtime.js';
import { flatAudio, unsupportedSettings } from '../onnx-speech.js';
import type {
  SpeechModel,
  SpeechModelCallOptions,
  SpeechModelResult,
  SpeechVoice,
  SpeechWarning,
} from '../speech-model.js';
import { kokoroPhonemes } from './phonemize.js';
import {
  type KokoroTokenizer,
  kokoroRuns,
  kokoroTokens,
  readKokoroTokenizer,
} from './tokenizer.js';
import {
  type KokoroStyles,
  kokoroLanguageOf,
  kokoroVoiceInfo,
  kokoroVoiceNames,
  readKokoroStyles,
  styleFor,
} from './voices.js';

export const KOKORO_REPO = 'onnx-community/Kokoro-82M-v1.0-ONNX';
export const KOKORO_DEFAULT_VOICE = 'af_heart';
export const KOKORO_SAMPLE_RATE = 24_000;

/** OpenAI's voice names that Kokoro has voices of (clients written for OpenAI send them). */
export const KOKORO_OPENAI_VOICES: Readonly<Record<string, string>> = {
  alloy: 'af_alloy',
  echo: 'am_echo',
  fable: 'bm_fable',
  nova: 'af_nova',
  onyx: 'am_onyx',
};

export interface KokoroModelOptions {
  /** Hub id (optionally `@revision`) or folder in the onnx-community layout. */
  model: string;
  dtype: Dtype;
  store: ModelStore;
  sessions: SessionPool;
  espeak?: () => Promise<EspeakRuntime>;
  signal?: AbortSignal;
}

interface LoadedVoice {
  model: ResolvedModel<'kokoro'>;
  tokenizer: KokoroTokenizer;
  styles: KokoroStyles;
}

export class KokoroSpeechModel implements SpeechModel {
  readonly specificationVersion = 'v1';
  readonly provider = 'kokoro';
  readonly modelId: string;
  readonly sampleRate = KOKORO_SAMPLE_RATE;
  readonly defaultVoice: string;
  readonly speedRange = { min: 0.5, max: 2 };
  /** About 510 phonemes, the most one call takes; longer segments are cut into runs. */
  readonly maxSegmentChars = 300;

  private readonly loaded = new Map<string, Promise<LoadedVoice>>();

  private constructor(
    private readonly options: KokoroModelOptions,
    private readonly names: readonly string[],
  ) {
    this.modelId = options.model;
    this.defaultVoice = names.includes(KOKORO_DEFAULT_VOICE)
      ? KOKORO_DEFAULT_VOICE
      : (names[0] ?? KOKORO_DEFAULT_VOICE);
  }

  /** Lists the model's voices (from the hub, or the cache when offline) and makes the model. */
  static async create(options: KokoroModelOptions): Promise<KokoroSpeechModel> {
    const files = await options.store.listFiles(options.model, {
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const names = kokoroVoiceNames(files);
    if (names.length === 0) {
      throw new ModelError(
        'model_not_found',
        `${options.model} has no Kokoro voices (voices/<voice>.bin files).`,
        { details: { model: options.model } },
      );
    }
    return new KokoroSpeechModel(options, names);
  }

  async voices(): Promise<readonly SpeechVoice[]> {
    return this.names.map(kokoroVoiceInfo);
  }

  /**
   * Finds the voice (any case; OpenAI's names for the Kokoro voices named after them), fetching
   * the model and the voice's file on first use.
   */
  async resolveVoice(requested: string): Promise<SpeechVoice | null> {
    const given = requested.trim().toLowerCase();
    const wanted = KOKORO_OPENAI_VOICES[given] ?? given;
    const name = this.names.find((candidate) => candidate.toLowerCase() === wanted);
    if (!name) return null;
    await this.load(name);
    return kokoroVoiceInfo(name);
  }

  async doSynthesize(options: SpeechModelCallOptions): Promise<SpeechModelResult> {
    options.signal?.throwIfAborted();
    const language = this.names.includes(options.voice) ? kokoroLanguageOf(options.voice) : null;
    if (!language) {
      throw new SpeechError('speech_voice_not_found', `Kokoro has no voice "${options.voice}".`, {
        details: { voice: options.voice },
      });
    }
    const { model, tokenizer, styles } = await this.load(options.voice);
    const warnings: SpeechWarning[] = unsupportedSettings(options, 'Kokoro');
    if (language.ownPhonemizer) {
      warnings.push({
        type: 'other',
        message: `Kokoro's ${language.name} voices were trained on phonemes from its own phonemizer; eSpeak NG's may be pronounced less well.`,
      });
    }
    const phonemes = await kokoroPhonemes(options.text, {
      espeakVoice: language.espeakVoice,
      english: language.english,
      ...(this.options.espeak ? { runtime: this.options.espeak } : {}),
    });
    const parts: Float32Array[] = [];
    const lease = await acquireModelSession(this.options.sessions, model, 'model');
    try {
      for (const run of kokoroRuns(phonemes, tokenizer)) {
        options.signal?.throwIfAborted();
        const tokens = kokoroTokens(run, tokenizer);
        if (tokens.length === 0) continue;
        const ids = [tokenizer.padId, ...tokens, tokenizer.padId];
        const style = styleFor(styles, [...run].length);
        const half = lease.session.inputMetadata.find((input) => input.name === 'style');
        const fp16 = half?.isTensor === true && half.type === 'float16';
        const outputs = await lease.session.run({
          input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
          style: fp16
            ? new Tensor('float16', float32ToFloat16(style), [1, style.length])
            : new Tensor('float32', style.slice(), [1, style.length]),
          speed: fp16
            ? new Tensor('float16', float32ToFloat16(Float32Array.of(options.speed)), [1])
            : new Tensor('float32', Float32Array.of(options.speed), [1]),
        });
        parts.push(flatAudio(outputs['waveform'], model.files.model));
      }
    } catch (error) {
      if (error instanceof EarshotError) throw error;
      throw new ModelError(
        'model_inference_failed',
        `Kokoro failed with voice ${options.voice}: ${(error as Error).message}`,
        { cause: error, details: { voice: options.voice } },
      );
    } finally {
      lease.release();
    }
    const samples = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      samples.set(part, offset);
      offset += part.length;
    }
    return { samples, sampleRate: KOKORO_SAMPLE_RATE, warnings };
  }

  /** The model's files and the voice's style vectors (fetched on first use). */
  private load(voice: string): Promise<LoadedVoice> {
    let loading = this.loaded.get(voice);
    if (!loading) {
      loading = (async () => {
        const model = await this.options.store.resolve(this.options.model, {
          kind: 'kokoro',
          dtype: this.options.dtype,
          voice,
        });
        const [tokenizer, styles] = await Promise.all([
          readKokoroTokenizer(model.files.tokenizer),
          readKokoroStyles(model.files.voice),
        ]);
        return { model, tokenizer, styles };
      })();
      this.loaded.set(voice, loading);
      loading.catch(() => this.loaded.delete(voice));
    }
    return loading;
  }
}
