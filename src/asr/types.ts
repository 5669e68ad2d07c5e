/**
 * The transcription capability: the interface every speech-to-text engine implements, its
 * options and its result. Options follow OpenAI's `transcribe()` (camel-cased) and go past it.
 */
import type { PcmAudio } from '../audio/load.js';
import type { VadTranscribeOptions } from './speech-only.js';

export type TranscriptionTask = 'transcribe' | 'translate';

export interface TranscribeOptions {
  /** Language code or name; `null`/absent detects it from the first 30 s. */
  language?: string | null;
  task?: TranscriptionTask;
  /** One temperature, or the fallback schedule. Default 0, 0.2, 0.4, 0.6, 0.8, 1.0. */
  temperature?: number | readonly number[];
  /** Fall back to the next temperature above this gzip compression ratio. Default 2.4; null disables. */
  compressionRatioThreshold?: number | null;
  /** Fall back below this average log-probability. Default −1; null disables. */
  logprobThreshold?: number | null;
  /** Treat a window as silence above this no-speech probability (with a low log-probability). Default 0.6. */
  noSpeechThreshold?: number | null;
  /** Beam search width at temperature 0 (default: greedy). */
  beamSize?: number;
  /** Samples drawn at temperatures above 0, the best one kept. Default 5 when sampling. */
  bestOf?: number;
  /** Beam search patience (Kasai et al. 2022). Default 1. */
  patience?: number;
  /** Google NMT length penalty alpha in [0, 1]; default: plain length normalisation. */
  lengthPenalty?: number | null;
  /** Text given to the model as earlier context for the first window. */
  initialPrompt?: string;
  /** Keep the initial prompt in front of every window's context. Default false. */
  carryInitialPrompt?: boolean;
  /** Give each window the previous windows' text as context. Default true. */
  conditionOnPreviousText?: boolean;
  /** Text the current window's output must start with. */
  prefix?: string;
  /**
   * Words and names to favour: given to the model as context (as faster-whisper does) and, with
   * `hotwordBoost` > 0, rewarded token by token through a prefix trie.
   */
  hotwords?: string | readonly string[];
  /** Logit bonus for tokens that continue a hotword. Default 2; 0 turns the bonus off. */
  hotwordBoost?: number;
  /** Token ids to suppress; `-1` in the list means Whisper's non-speech symbols. Default [-1]. */
  suppressTokens?: readonly number[];
  /** Forbid a blank (space or end of text) as the first token. Default true. */
  suppressBlank?: boolean;
  /** Decode text only, without timestamp tokens. Default false. */
  withoutTimestamps?: boolean;
  /** Latest allowed first timestamp, in seconds. Default 1. */
  maxInitialTimestamp?: number | null;
  /** Word start/end times from cross-attention alignment. Default false. */
  wordTimestamps?: boolean;
  /**
   * With word timestamps, start the next window at the end of the last word, as OpenAI does, so
   * that a word cut by the window edge is decoded again (default true). False moves on by whole
   * windows: audio up to 30 s then costs exactly one window, which live passes rely on.
   */
  resumeAtLastWord?: boolean;
  /**
   * How much audio the encoder sees per window. `'full'` (default, as OpenAI): 30 s, the window
   * zero-padded. `'content'`: the window's audio rounded up to whole seconds (whisper.cpp's
   * `audio_ctx`), several times faster on short windows but less accurate, since Whisper was
   * trained on 30-second windows: what live drafts use. It needs an encoder Earshot can derive a
   * variable-length graph from (checked on first use); otherwise full windows are used and the
   * result's warnings say so. Windows are then decoded one at a time (no batching).
   */
  audioContext?: 'full' | 'content';
  prependPunctuations?: string;
  appendPunctuations?: string;
  /** Start,end pairs in seconds to transcribe (`"0"` = the whole file), as a list or comma-separated. */
  clipTimestamps?: string | readonly number[];
  /** With word timestamps, skip silences longer than this before likely hallucinations. */
  hallucinationSilenceThreshold?: number | null;
  /** Most tokens sampled per window. Default: half the text context (224). */
  maxNewTokens?: number;
  /**
   * End of text is forbidden until this many tokens have been sampled in a window: a fixed
   * decoding budget for benchmarks. Default 0.
   */
  minNewTokens?: number;
  /**
   * Transcribe only the speech that voice activity detection finds (Silero by default): silence
   * is skipped, which saves work and prevents text hallucinated on silence; times stay on the
   * original timeline. `true` uses the VAD's defaults.
   */
  vad?: boolean | VadTranscribeOptions;
  /**
   * Windows decoded together in one batch when they are independent: without timestamps and
   * without conditioning on previous text. Default: as many as the model's cache allows within
   * 512 MB (8 up to base size, 4 for small, 1 above); 1 turns batching off.
   */
  batchSize?: number;
  /** Seed of the sampler used at temperatures above 0, for reproducible output. */
  seed?: number;
  /** Progress through the audio, after every window. */
  onProgress?: (progress: TranscriptionProgress) => void;
  /** Each segment as soon as its window is decoded. */
  onSegment?: (segment: TranscriptionSegment) => void;
  signal?: AbortSignal;
}

export interface TranscriptionProgress {
  /** Seconds of audio transcribed so far. */
  doneS: number;
  totalS: number;
}

export interface TranscriptionWord {
  word: string;
  start: number;
  end: number;
  probability: number;
}

export interface TranscriptionSegment {
  id: number;
  /** Mel frame where the window that produced this segment started. */
  seek: number;
  start: number;
  end: number;
  text: string;
  tokens: number[];
  /** Probability of each token in `tokens`, as sampled. */
  tokenProbs: number[];
  temperature: number;
  avgLogprob: number;
  compressionRatio: number;
  noSpeechProb: number;
  words?: TranscriptionWord[];
}

export interface TranscriptionResult {
  text: string;
  language: string;
  /** Probability of every language the model knows, when it was detected. */
  languageProbs: Record<string, number> | null;
  durationS: number;
  segments: TranscriptionSegment[];
  /** With `vad`: the speech regions found, in seconds. */
  speech?: Array<{ start: number; end: number }>;
  /** How word timestamps were obtained, when they were asked for. */
  wordTimestampMethod?: 'cross-attention-dtw' | 'token-interpolation';
  /** Things the engine could not honour, as data. */
  warnings: string[];
}

export interface LanguageDetection {
  language: string;
  probability: number;
  languageProbs: Record<string, number>;
}

/** A speech-to-text engine. */
export interface TranscriptionModel {
  readonly provider: string;
  readonly modelId: string;
  transcribe(audio: PcmAudio, options?: TranscribeOptions): Promise<TranscriptionResult>;
  detectLanguage(audio: PcmAudio, options?: { signal?: AbortSignal }): Promise<LanguageDetection>;
  /**
   * The text and UTF-8 bytes of a token in `TranscriptionSegment.tokens`, or null for a control
   * token (timestamps, end of text), for per-token log-probabilities. Optional: engines without
   * a token vocabulary leave it out.
   */
  tokenText?(token: number): { text: string; bytes: Uint8Array } | null;
  /** Releases the engine's resources. */
  close(): Promise<void>;
}
