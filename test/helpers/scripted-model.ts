/**
 * A `TranscriptionModel` for server tests: the real Whisper tokenizer and decoding code over a
 * `ScriptedRuntime` that "hears" a fixed sentence in every window. It runs the whole
 * transcription path except the neural network, and can hold requests at a gate the test opens,
 * so concurrency limits are tested by order of events rather than by timing.
 */
import { WindowDecoder } from '../../src/asr/decoding/decode-window.js';
import { transcribeSpeechWithVad } from '../../src/asr/speech-only.js';
import { transcribeWhisper } from '../../src/asr/transcribe.js';
import type {
  LanguageDetection,
  TranscribeOptions,
  TranscriptionModel,
  TranscriptionResult,
} from '../../src/asr/types.js';
import type { PcmAudio } from '../../src/audio/load.js';
import { resample } from '../../src/audio/resample.js';
import {
  logMelSpectrogram,
  WHISPER_N_FRAMES,
  WHISPER_N_SAMPLES,
} from '../../src/dsp/whisper-mel.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { SileroVad } from '../../src/vad/silero.js';
import { type Script, ScriptedRuntime } from './scripted-whisper.js';
import { whisperTokenizer } from './whisper-tokenizer.js';

export const tokenizer = whisperTokenizer();

let vad: SileroVad | null = null;
/** The packaged Silero VAD, on a pool of its own shared by every scripted model. */
function sileroVad(): SileroVad {
  vad ??= new SileroVad({
    pool: new SessionPool({
      executionProvider: 'cpu',
      intraOpThreads: 1,
      interOpThreads: 1,
      idleTtlS: 0,
    }),
  });
  return vad;
}

/** Holds callers until `open()`; counts how many are waiting. */
export class Gate {
  private opened = false;
  private readonly waiters: Array<() => void> = [];
  private readonly arrivals: Array<{ count: number; resolve: () => void }> = [];
  entered = 0;

  async pass(signal?: AbortSignal): Promise<void> {
    this.entered++;
    for (const arrival of this.arrivals.filter((item) => this.entered >= item.count))
      arrival.resolve();
    if (this.opened) return;
    await new Promise<void>((resolve, reject) => {
      this.waiters.push(resolve);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }

  /** Resolves once `count` callers have arrived at the gate. */
  arrived(count: number): Promise<void> {
    if (this.entered >= count) return Promise.resolve();
    return new Promise((resolve) => this.arrivals.push({ count, resolve }));
  }

  open(): void {
    this.opened = true;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

export interface ScriptedModelOptions {
  /** The sentence heard in every 30-second window (from 0 to 2 s). */
  sentence?: string;
  /** Instead of one sentence: segments `[start, end, text]` heard in every window. */
  segments?: ReadonlyArray<readonly [number, number, string]>;
  /** Language the model "hears" when asked to detect it. */
  language?: string;
  gate?: Gate;
}

/**
 * A script that answers language detection with `language` and plays `segments` per window; a
 * decoder prompted without timestamps (`<|notimestamps|>`) hears the same words, without them.
 */
export function segmentScript(
  segments: ReadonlyArray<readonly [number, number, string]>,
  language: string,
): Script {
  const ts = (s: number) => tokenizer.timestampBegin + Math.round(s / 0.02);
  const tokens = segments.flatMap(([start, end, text]) => [
    ts(start),
    ...tokenizer.encode(` ${text}`),
    ts(end),
  ]);
  const textOnly = segments.flatMap(([, , text]) => tokenizer.encode(` ${text}`));
  const languageToken = tokenizer.languageToken(language) as number;
  return (context) => {
    if (context.prefix.length === 1) return { [languageToken]: 10 };
    const taskAt = context.prefix.findIndex(
      (token) => token === tokenizer.transcribe || token === tokenizer.translate,
    );
    if (context.prefix[taskAt + 1] === tokenizer.noTimestamps) {
      return { [textOnly[context.prefix.length - taskAt - 2] ?? tokenizer.eot]: 10 };
    }
    const position = context.prefix.length - taskAt - 1;
    return { [tokens[position] ?? tokenizer.eot]: 10 };
  };
}

export class ScriptedWhisperModel implements TranscriptionModel {
  readonly provider = 'scripted-whisper';
  readonly sentence: string;
  closed = false;
  transcriptions = 0;

  constructor(
    readonly modelId: string,
    private readonly options: ScriptedModelOptions = {},
  ) {
    this.sentence =
      options.sentence ??
      options.segments?.map(([, , text]) => text).join(' ') ??
      'Hello world, this is a test.';
  }

  private script(): Script {
    const segments = this.options.segments ?? [[0, 2, this.sentence] as const];
    return segmentScript(segments, this.options.language ?? 'en');
  }

  async transcribe(audio: PcmAudio, options: TranscribeOptions = {}): Promise<TranscriptionResult> {
    await this.options.gate?.pass(options.signal);
    this.transcriptions++;
    const samples =
      audio.sampleRate === 16_000
        ? audio.samples
        : resample(audio.samples, audio.sampleRate, 16_000);
    const run = (chunk: Float32Array, chunkOptions: TranscribeOptions) =>
      transcribeWhisper(
        { runtime: new ScriptedRuntime(this.script()), tokenizer },
        chunk,
        chunkOptions,
      );
    // As the Whisper engine does: with `vad`, only the speech Silero finds is transcribed.
    if (options.vad) return transcribeSpeechWithVad(samples, options, sileroVad(), run);
    return run(samples, options);
  }

  async detectLanguage(audio: PcmAudio): Promise<LanguageDetection> {
    const runtime = new ScriptedRuntime(this.script());
    const mel = logMelSpectrogram(audio.samples, { nMels: 80, padding: WHISPER_N_SAMPLES });
    const window = await runtime.encode(mel.data.subarray(0, 80 * WHISPER_N_FRAMES));
    const languageProbs = await new WindowDecoder(runtime, tokenizer).detectLanguage(window);
    const [language, probability] = Object.entries(languageProbs).reduce((best, entry) =>
      entry[1] > best[1] ? entry : best,
    );
    return { language, probability, languageProbs };
  }

  tokenText(token: number) {
    if (token >= tokenizer.eot) return null;
    return { text: tokenizer.decode([token]), bytes: tokenizer.bpe.tokenBytes(token) };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
