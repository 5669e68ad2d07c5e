/**
 * Speech synthesis over any `SpeechModel`: validation with typed errors, the text front-end,
 * sentence-by-sentence synthesis, speeds beyond the engine's own range, resampling and
 * encoding. Engines only speak single segments; everything here is the same for all of them.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  AUDIO_OUTPUT_FORMATS,
  type AudioOutputFormat,
  type EncodeAudioOptions,
  encodeAudioStream,
  isAudioOutputFormat,
} from '../audio/encode.js';
import { resample } from '../audio/resample.js';
import { timeStretch } from '../dsp/time-stretch.js';
import { AudioEncodeError, InvalidRequestError, SpeechError } from '../errors.js';
import type { SpeechModel, SpeechVoice, SpeechWarning } from './speech-model.js';
import { prepareText } from './text/prepare.js';

/** The speeds OpenAI's speech API accepts, and so does Earshot. */
export const SPEECH_SPEED_RANGE = { min: 0.25, max: 4 } as const;
/** OpenAI's limit on `input`; the `tts.maxInputChars` setting changes it. */
export const DEFAULT_MAX_INPUT_CHARS = 4096;

export interface SpeechOptions {
  /** A voice the model resolves (`resolveVoice`); default: the model's default voice. */
  voice?: string;
  /** 0.25–4, 1 being normal (OpenAI's `speed`). */
  speed?: number;
  /** 0–99, 50 being the voice's own pitch; engines without pitch control warn. */
  pitch?: number;
  /** Free-form style instructions (OpenAI's `instructions`); engines without them warn. */
  instructions?: string;
  /** Language of the text for normalisation; default: the voice's language. */
  language?: string;
  /** Say numbers, dates, money and abbreviations as words. Default true. */
  normalize?: boolean;
  /** Longest accepted input in characters (Unicode code points). Default 4096. */
  maxInputChars?: number;
  /** Rate of the audio returned; default: the voice's own rate. */
  sampleRate?: number;
  signal?: AbortSignal;
}

/** Audio for one segment of the text, in order. */
export interface SpeechChunk {
  samples: Float32Array;
  sampleRate: number;
  /** The segment as spoken (after normalisation): a sentence or part of a long one. */
  text: string;
  /** 0 for the first segment. */
  index: number;
  /** Warnings that arose for the first time with this segment. */
  warnings: SpeechWarning[];
}

/** A validated request, ready to speak. */
export interface SpeechPlan {
  model: SpeechModel;
  voice: SpeechVoice;
  segments: readonly string[];
  speed: number;
  pitch?: number;
  instructions?: string;
  sampleRate: number;
  signal?: AbortSignal;
}

function checkNumber(
  value: number | undefined,
  name: string,
  min: number,
  max: number,
  integer = false,
): void {
  if (value === undefined) return;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${String(value)}.`,
      { details: { parameter: name, min, max } },
    );
  }
}

async function resolveVoice(model: SpeechModel, requested: string): Promise<SpeechVoice> {
  const voice = await model.resolveVoice(requested);
  if (voice) return voice;
  const known = (await model.voices()).map((candidate) => candidate.id);
  throw new SpeechError(
    'speech_voice_not_found',
    `Unknown voice "${requested}" for ${model.provider}; it has ${known.length} voices, e.g. ${known.slice(0, 8).join(', ')} (list them with \`earshot speak --list-voices\`).`,
    { details: { voice: requested, provider: model.provider } },
  );
}

/**
 * Checks a request and prepares its text, failing with a typed error before any audio is made:
 * `speech_text_empty`, `speech_text_too_long`, `speech_speed_out_of_range`,
 * `speech_voice_not_found` or `invalid_parameter`.
 */
export async function planSpeech(
  model: SpeechModel,
  text: string,
  options: SpeechOptions = {},
): Promise<SpeechPlan> {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new SpeechError('speech_text_empty', 'There is no text to speak.');
  }
  const maxInputChars = options.maxInputChars ?? DEFAULT_MAX_INPUT_CHARS;
  let length = 0;
  for (const _char of text) if (++length > maxInputChars) break;
  if (length > maxInputChars) {
    throw new SpeechError(
      'speech_text_too_long',
      `The text is longer than ${maxInputChars} characters; split it into several requests.`,
      { details: { maxInputChars } },
    );
  }
  const speed = options.speed ?? 1;
  if (
    typeof speed !== 'number' ||
    !(speed >= SPEECH_SPEED_RANGE.min && speed <= SPEECH_SPEED_RANGE.max)
  ) {
    throw new SpeechError(
      'speech_speed_out_of_range',
      `speed must be from ${SPEECH_SPEED_RANGE.min} to ${SPEECH_SPEED_RANGE.max}, got ${String(speed)}.`,
      { details: { ...SPEECH_SPEED_RANGE } },
    );
  }
  checkNumber(options.pitch, 'pitch', 0, 99);
  checkNumber(options.sampleRate, 'sampleRate', 8000, 192_000, true);
  const voice = await resolveVoice(model, options.voice ?? model.defaultVoice);
  const segments = prepareText(text, {
    language: options.language ?? voice.languages[0] ?? null,
    maxSegmentChars: model.maxSegmentChars,
    normalize: options.normalize ?? true,
  });
  if (segments.length === 0) {
    throw new SpeechError(
      'speech_text_empty',
      'The text has nothing to speak once markup, emoji and symbols are removed.',
    );
  }
  return {
    model,
    voice,
    segments,
    speed,
    ...(options.pitch === undefined ? {} : { pitch: options.pitch }),
    ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
    sampleRate: options.sampleRate ?? voice.sampleRate ?? model.sampleRate,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/**
 * Speaks a plan segment by segment. Each segment is synthesised only when the consumer asks for
 * the next chunk, so the first audio is ready after one sentence, not the whole text.
 */
export async function* speakPlan(plan: SpeechPlan): AsyncGenerator<SpeechChunk> {
  const { model } = plan;
  // The engine speaks what it can; the rest of the tempo change is a time stretch.
  const native = Math.min(model.speedRange.max, Math.max(model.speedRange.min, plan.speed));
  const stretch = plan.speed / native;
  const seen = new Set<string>();
  for (const [index, text] of plan.segments.entries()) {
    plan.signal?.throwIfAborted();
    // Let other work (an HTTP response being written) run between sentences.
    if (index > 0) await nextTurn();
    const result = await model.doSynthesize({
      text,
      voice: plan.voice.id,
      speed: native,
      ...(plan.pitch === undefined ? {} : { pitch: plan.pitch }),
      ...(plan.instructions === undefined ? {} : { instructions: plan.instructions }),
      ...(plan.signal ? { signal: plan.signal } : {}),
    });
    let samples = result.samples;
    if (Math.abs(stretch - 1) > 1e-3) samples = timeStretch(samples, result.sampleRate, stretch);
    samples = resample(samples, result.sampleRate, plan.sampleRate);
    const warnings = result.warnings.filter((warning) => {
      const key = JSON.stringify(warning);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    yield { samples, sampleRate: plan.sampleRate, text, index, warnings };
  }
}

/** Validates, then yields audio sentence by sentence (see `planSpeech` for the errors). */
export async function* synthesizeStream(
  model: SpeechModel,
  text: string,
  options: SpeechOptions = {},
): AsyncGenerator<SpeechChunk> {
  yield* speakPlan(await planSpeech(model, text, options));
}

export interface SpeechResult {
  samples: Float32Array;
  sampleRate: number;
  /** Where each spoken segment lies in `samples`, in seconds. */
  segments: { text: string; startS: number; endS: number }[];
  warnings: SpeechWarning[];
  voice: SpeechVoice;
}

/** Speaks the whole text and returns one buffer of samples. */
export async function synthesize(
  model: SpeechModel,
  text: string,
  options: SpeechOptions = {},
): Promise<SpeechResult> {
  const plan = await planSpeech(model, text, options);
  const chunks: SpeechChunk[] = [];
  for await (const chunk of speakPlan(plan)) chunks.push(chunk);
  const samples = new Float32Array(chunks.reduce((sum, chunk) => sum + chunk.samples.length, 0));
  const segments: SpeechResult['segments'] = [];
  let offset = 0;
  for (const chunk of chunks) {
    samples.set(chunk.samples, offset);
    segments.push({
      text: chunk.text,
      startS: offset / plan.sampleRate,
      endS: (offset + chunk.samples.length) / plan.sampleRate,
    });
    offset += chunk.samples.length;
  }
  return {
    samples,
    sampleRate: plan.sampleRate,
    segments,
    warnings: chunks.flatMap((chunk) => chunk.warnings),
    voice: plan.voice,
  };
}

export interface EncodedSpeechOptions
  extends SpeechOptions,
    Pick<EncodeAudioOptions, 'bitrateKbps' | 'ffmpegPath' | 'timeoutS'> {
  format: AudioOutputFormat;
  /** Called with each chunk of audio before it is encoded (for progress or logs). */
  onChunk?: (chunk: SpeechChunk) => void;
}

/** Fails with `audio_unsupported_output` unless `format` is one Earshot can write. */
export function checkSpeechFormat(format: string): asserts format is AudioOutputFormat {
  if (!isAudioOutputFormat(format)) {
    throw new AudioEncodeError(
      'audio_unsupported_output',
      `Unsupported response format "${format}"; choose one of ${AUDIO_OUTPUT_FORMATS.join(', ')}.`,
      { details: { format } },
    );
  }
}

/**
 * Speaks the text into an audio file format, yielding encoded bytes as they are produced.
 * Every request error is thrown by the first `next()`, before any byte is yielded.
 */
export async function* synthesizeEncoded(
  model: SpeechModel,
  text: string,
  options: EncodedSpeechOptions,
): AsyncGenerator<Buffer> {
  checkSpeechFormat(options.format);
  checkNumber(options.bitrateKbps, 'bitrateKbps', 6, 512);
  const plan = await planSpeech(model, text, options);
  const { onChunk } = options;
  async function* blocks(): AsyncGenerator<Float32Array> {
    for await (const chunk of speakPlan(plan)) {
      onChunk?.(chunk);
      yield chunk.samples;
    }
  }
  yield* encodeAudioStream(blocks(), plan.sampleRate, options.format, {
    ...(options.bitrateKbps === undefined ? {} : { bitrateKbps: options.bitrateKbps }),
    ...(options.ffmpegPath === undefined ? {} : { ffmpegPath: options.ffmpegPath }),
    ...(options.timeoutS === undefined ? {} : { timeoutS: options.timeoutS }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
