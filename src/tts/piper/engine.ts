/**
 * Piper as a `SpeechModel`: VITS voices exported to ONNX, in hub layout (`<voice>.onnx` with
 * `<voice>.onnx.json`), loaded through the model store and the shared session pool. One model is
 * one repository (rhasspy/piper-voices by default, or a folder of voices); its voices are the
 * voice files it holds, each fetched on first use. Speed is Piper's length scale; multi-speaker
 * voices take a speaker after a plus sign (`en_US-libritts_r-medium+p3922`).
 */
import { readFile } from 'node:fs/promises';
import { Tensor } from 'onnxruntime-node';
import { EarshotError, ModelError, SpeechError } from '../../errors.js';
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
import { piperPhonemeIds, piperPhonemes } from './phoneme-ids.js';
import { type PiperVoiceConfig, parsePiperVoiceConfig } from './voice-config.js';
import { type PiperVoiceEntry, piperVoiceEntries, piperVoiceInfo, splitSpeaker } from './voices.js';

/** The repository of Piper's published voices. */
export const PIPER_VOICES_REPO = 'rhasspy/piper-voices';
/** The voice used when none is named, if the repository has it (else its first voice). */
export const PIPER_DEFAULT_VOICE = 'en_US-lessac-medium';

export interface PiperModelOptions {
  /** Hub id (optionally `@revision`) or folder holding the voices. */
  model: string;
  store: ModelStore;
  sessions: SessionPool;
  /** Where phonemes come from; default the process-wide eSpeak NG instance. */
  espeak?: () => Promise<EspeakRuntime>;
  signal?: AbortSignal;
}

interface LoadedVoice {
  entry: PiperVoiceEntry;
  model: ResolvedModel<'piper'>;
  config: PiperVoiceConfig;
}

export class PiperSpeechModel implements SpeechModel {
  readonly specificationVersion = 'v1';
  readonly provider = 'piper';
  readonly modelId: string;
  /** Most Piper voices (medium, high) speak at 22050 Hz; each voice reports its own rate. */
  readonly sampleRate = 22_050;
  readonly defaultVoice: string;
  /** The length scale Piper is trained around; shared code time-stretches beyond it. */
  readonly speedRange = { min: 0.5, max: 2 };
  readonly maxSegmentChars = 400;

  private readonly loaded = new Map<string, Promise<LoadedVoice>>();

  private constructor(
    private readonly options: PiperModelOptions,
    private readonly entries: readonly PiperVoiceEntry[],
  ) {
    this.modelId = options.model;
    const preferred = entries.find((entry) => entry.id === PIPER_DEFAULT_VOICE);
    this.defaultVoice = (preferred ?? entries[0])?.id ?? PIPER_DEFAULT_VOICE;
  }

  /** Lists the repository's voices (from the hub, or the cache when offline) and makes the model. */
  static async create(options: PiperModelOptions): Promise<PiperSpeechModel> {
    const files = await options.store.listFiles(options.model, {
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const entries = piperVoiceEntries(files);
    if (entries.length === 0) {
      throw new ModelError(
        'model_not_found',
        `${options.model} has no Piper voices (no <voice>.onnx with its <voice>.onnx.json).`,
        { details: { model: options.model } },
      );
    }
    return new PiperSpeechModel(options, entries);
  }

  async voices(): Promise<readonly SpeechVoice[]> {
    return this.entries.map(piperVoiceInfo);
  }

  /** Finds the voice (by name or path, any case), fetching its files on first use. */
  async resolveVoice(requested: string): Promise<SpeechVoice | null> {
    const { voice: wanted, speaker } = splitSpeaker(requested);
    const key = wanted.toLowerCase();
    const entry = this.entries.find(
      (candidate) => candidate.id.toLowerCase() === key || candidate.path.toLowerCase() === key,
    );
    if (!entry) return null;
    const { config } = await this.load(entry);
    const speakerId = speaker === null ? null : speakerOf(config, speaker);
    if (speaker !== null && speakerId === null) return null;
    const info = piperVoiceInfo(entry);
    const primary = config.language.split('-')[0] ?? config.language;
    return {
      id: speaker === null ? entry.id : `${entry.id}+${speaker}`,
      name: speaker === null ? info.name : `${info.name}, speaker ${speaker}`,
      languages: [...new Set([config.language, primary].filter((tag) => tag !== ''))],
      sampleRate: config.sampleRate,
    };
  }

  async doSynthesize(options: SpeechModelCallOptions): Promise<SpeechModelResult> {
    options.signal?.throwIfAborted();
    const { voice: name, speaker } = splitSpeaker(options.voice);
    const entry = this.entries.find((candidate) => candidate.id === name);
    if (!entry) {
      throw new SpeechError('speech_voice_not_found', `Piper has no voice "${options.voice}".`, {
        details: { voice: options.voice },
      });
    }
    const { model, config } = await this.load(entry);
    const warnings: SpeechWarning[] = unsupportedSettings(options, 'Piper');
    const phonemes = await piperPhonemes(options.text, config, this.options.espeak);
    const { ids, spoken, missing } = piperPhonemeIds(phonemes, config);
    if (missing.size > 0) {
      warnings.push({
        type: 'other',
        message: `The voice has no id for ${missing.size} phoneme(s) (${[...missing.keys()].join(' ')}); they were skipped.`,
      });
    }
    if (spoken === 0) {
      return { samples: new Float32Array(0), sampleRate: config.sampleRate, warnings };
    }
    const lease = await acquireModelSession(this.options.sessions, model, 'model');
    try {
      const feeds: Record<string, Tensor> = {
        input: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
        input_lengths: new Tensor('int64', BigInt64Array.of(BigInt(ids.length)), [1]),
        scales: new Tensor(
          'float32',
          Float32Array.of(config.noiseScale, config.lengthScale / options.speed, config.noiseW),
          [3],
        ),
      };
      if (lease.session.inputNames.includes('sid')) {
        const id = speaker === null ? 0 : (speakerOf(config, speaker) ?? 0);
        feeds['sid'] = new Tensor('int64', BigInt64Array.of(BigInt(id)), [1]);
      }
      const outputs = await lease.session.run(feeds);
      const samples = flatAudio(outputs['output'], model.files.model);
      return { samples, sampleRate: config.sampleRate, warnings };
    } catch (error) {
      if (error instanceof EarshotError) throw error;
      throw new ModelError(
        'model_inference_failed',
        `The Piper voice ${entry.id} failed: ${(error as Error).message}`,
        { cause: error, details: { voice: entry.id } },
      );
    } finally {
      lease.release();
    }
  }

  /** The voice's files (fetched through the store on first use) and configuration. */
  private load(entry: PiperVoiceEntry): Promise<LoadedVoice> {
    let loading = this.loaded.get(entry.path);
    if (!loading) {
      loading = (async () => {
        const model = await this.options.store.resolve(this.options.model, {
          kind: 'piper',
          voice: entry.path,
        });
        const config = parsePiperVoiceConfig(
          await readFile(model.files.config, 'utf8'),
          model.files.config,
        );
        return { entry, model, config };
      })();
      this.loaded.set(entry.path, loading);
      // A failure (offline, damaged file) is not remembered: the next request tries again.
      loading.catch(() => this.loaded.delete(entry.path));
    }
    return loading;
  }
}

/** A speaker by name or number, for multi-speaker voices; null if the voice has no such one. */
function speakerOf(config: PiperVoiceConfig, speaker: string): number | null {
  const named = config.speakerIdMap.get(speaker);
  if (named !== undefined) return named;
  if (/^\d+$/.test(speaker) && Number(speaker) < config.numSpeakers && config.numSpeakers > 1) {
    return Number(speaker);
  }
  return null;
}
