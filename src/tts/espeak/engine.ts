/**
 * eSpeak NG as a `SpeechModel`: formant synthesis of 100+ languages, offline, from the
 * WebAssembly build on npm. Voice, speaking rate (words per minute) and pitch map onto its
 * `-v`, `-s` and `-p` options.
 */
import { deinterleaveWavData, parseWavHeader } from '../../audio/wav.js';
import { SpeechError } from '../../errors.js';
import type {
  SpeechModel,
  SpeechModelCallOptions,
  SpeechModelResult,
  SpeechVoice,
  SpeechWarning,
} from '../speech-model.js';
import { type EspeakRuntime, sharedEspeakRuntime } from './runtime.js';
import {
  type EspeakVoiceRow,
  matchVoice,
  OPENAI_VOICE_ALIASES,
  parseVoiceTable,
  voiceOf,
} from './voices.js';

/** eSpeak's speaking rates in words per minute: its default, and the range it accepts. */
export const ESPEAK_RATE = { normal: 175, min: 80, max: 450 } as const;
/** The rate eSpeak NG writes its audio at. */
export const ESPEAK_SAMPLE_RATE = 22_050;

const OUTPUT = '/tmp/earshot-speech.wav';

interface VoiceTables {
  voices: EspeakVoiceRow[];
  variants: EspeakVoiceRow[];
}

export interface EspeakModelOptions {
  /** Where runs happen; default: the process-wide shared instance. */
  runtime?: () => Promise<EspeakRuntime>;
}

export class EspeakSpeechModel implements SpeechModel {
  readonly specificationVersion = 'v1';
  readonly provider = 'espeak-ng';
  readonly modelId = 'espeak-ng';
  readonly sampleRate = ESPEAK_SAMPLE_RATE;
  readonly defaultVoice = 'en-us';
  readonly speedRange = {
    min: ESPEAK_RATE.min / ESPEAK_RATE.normal,
    max: ESPEAK_RATE.max / ESPEAK_RATE.normal,
  };
  /** eSpeak handles long text well; this only keeps single runs short for streaming. */
  readonly maxSegmentChars = 600;

  private tables: Promise<VoiceTables> | null = null;
  private readonly runtime: () => Promise<EspeakRuntime>;

  constructor(options: EspeakModelOptions = {}) {
    this.runtime = options.runtime ?? sharedEspeakRuntime;
  }

  private voiceTables(): Promise<VoiceTables> {
    this.tables ??= (async () => {
      const runtime = await this.runtime();
      const voices = parseVoiceTable(runtime.run(['--voices']).stdout);
      const variants = parseVoiceTable(runtime.run(['--voices=variant']).stdout);
      if (voices.length === 0) {
        throw new SpeechError('speech_synthesis_failed', 'eSpeak NG listed no voices.');
      }
      return { voices, variants };
    })();
    this.tables.catch(() => {
      this.tables = null;
    });
    return this.tables;
  }

  /** The languages eSpeak NG speaks, then OpenAI's voice names (mapped to English voices). */
  async voices(): Promise<readonly SpeechVoice[]> {
    const { voices, variants } = await this.voiceTables();
    const aliases: SpeechVoice[] = [];
    for (const alias of Object.keys(OPENAI_VOICE_ALIASES)) {
      const voice = matchVoice(alias, voices, variants);
      if (voice) aliases.push({ ...voice, id: alias });
    }
    return [...voices.map(voiceOf), ...aliases];
  }

  async resolveVoice(requested: string): Promise<SpeechVoice | null> {
    const { voices, variants } = await this.voiceTables();
    return matchVoice(requested, voices, variants);
  }

  async doSynthesize(options: SpeechModelCallOptions): Promise<SpeechModelResult> {
    options.signal?.throwIfAborted();
    const warnings: SpeechWarning[] = [];
    if (options.instructions?.trim()) {
      warnings.push({
        type: 'unsupported-setting',
        setting: 'instructions',
        details: 'eSpeak NG has no style control; the instructions were ignored.',
      });
    }
    const rate = Math.round(
      Math.min(ESPEAK_RATE.max, Math.max(ESPEAK_RATE.min, ESPEAK_RATE.normal * options.speed)),
    );
    const pitch = Math.round(Math.min(99, Math.max(0, options.pitch ?? 50)));
    const runtime = await this.runtime();
    const args = ['-b', '1', '-v', options.voice, '-s', String(rate), '-p', String(pitch)];
    // "--" ends the options, so text that starts with "-" is spoken, not parsed.
    const result = runtime.run([...args, '-w', OUTPUT, '--', options.text], { outputFile: OUTPUT });
    if (result.status !== 0 || !result.file) {
      const reason =
        result.stderr.find((line) => line.trim() !== '') ?? `exit status ${result.status}`;
      throw new SpeechError('speech_synthesis_failed', `eSpeak NG could not speak: ${reason}`, {
        details: { voice: options.voice },
      });
    }
    const format = parseWavHeader(result.file);
    const end =
      format.declaredDataLength === null
        ? result.file.length
        : Math.min(result.file.length, format.dataOffset + format.declaredDataLength);
    const [samples = new Float32Array(0)] = deinterleaveWavData(
      result.file.subarray(format.dataOffset, end),
      format,
    );
    return { samples, sampleRate: format.sampleRate, warnings };
  }
}
