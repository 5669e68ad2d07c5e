/**
 * The speech synthesis capability: what every engine (eSpeak NG, Piper, Kokoro, …) implements.
 * An engine speaks one prepared segment of text at a time and reports what it cannot honour as
 * warnings; everything that is not engine specific (validation, the text front-end, sentence
 * streaming, speeds beyond the engine's range, resampling, encoding) lives in `synthesize.ts`
 * and works the same for every engine.
 */

/** A voice an engine offers. */
export interface SpeechVoice {
  /** What to pass as `voice`. */
  id: string;
  /** A readable name: "Polish", "English (America)". */
  name: string;
  /** Language tags the voice speaks, its main one first ("en-us", "en"). */
  languages: readonly string[];
  gender?: 'female' | 'male';
  /**
   * Rate of the audio this voice speaks at, where voices of one model differ (Piper's low and
   * medium voices); default the model's `sampleRate`.
   */
  sampleRate?: number;
}

/** Something a request asked for that the engine did not do (warnings as data, not errors). */
export type SpeechWarning =
  | { type: 'unsupported-setting'; setting: string; details?: string }
  | { type: 'other'; message: string };

/** One call to an engine: a single segment of already prepared text. */
export interface SpeechModelCallOptions {
  /** A sentence, or part of a long one, already normalised ("twelve dollars"). */
  text: string;
  /** A voice id as `resolveVoice` returned it. */
  voice: string;
  /** Tempo factor within the engine's `speedRange` (1: normal). */
  speed: number;
  /** Pitch from 0 to 99, 50 being the voice's own (eSpeak NG's scale). */
  pitch?: number;
  /** Free-form style instructions (OpenAI's `instructions`). */
  instructions?: string;
  signal?: AbortSignal;
}

export interface SpeechModelResult {
  /** Mono samples in [-1, 1]. */
  samples: Float32Array;
  sampleRate: number;
  warnings: SpeechWarning[];
}

export interface SpeechModel {
  readonly specificationVersion: 'v1';
  /** The engine: "espeak-ng", "piper", "kokoro". */
  readonly provider: string;
  /** The model within the engine (a hub id for neural engines). */
  readonly modelId: string;
  /** Rate of the samples `doSynthesize` returns. */
  readonly sampleRate: number;
  readonly defaultVoice: string;
  /** Tempo factors the engine reaches by itself; shared code time-stretches beyond them. */
  readonly speedRange: { readonly min: number; readonly max: number };
  /** Longest segment, in characters, one `doSynthesize` call should get. */
  readonly maxSegmentChars: number;
  /** Every voice the engine offers. */
  voices(): Promise<readonly SpeechVoice[]>;
  /**
   * Finds a requested voice: an id from `voices()`, or another spelling the engine accepts
   * (any case, aliases, eSpeak's `voice+variant`). Null when there is no such voice.
   */
  resolveVoice(requested: string): Promise<SpeechVoice | null>;
  /** Speaks one segment. */
  doSynthesize(options: SpeechModelCallOptions): Promise<SpeechModelResult>;
}
