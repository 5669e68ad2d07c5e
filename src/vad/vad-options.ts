/**
 * VAD options in user units (probabilities, milliseconds, seconds) with Silero's defaults, and
 * their translation into the segmenter's sample-based rules.
 */
import type { Config } from '../config/index.js';
import { InvalidRequestError } from '../errors.js';
import type { SegmenterRules } from './speech-segmenter.js';

export interface VadOptions {
  /** Speech starts at a frame with at least this probability. Default 0.5. */
  threshold?: number;
  /** Speech ends below this probability. Default `max(threshold − 0.15, 0.01)`. */
  negThreshold?: number;
  /** Regions not longer than this are dropped. Default 250 ms. */
  minSpeechDurationMs?: number;
  /** Silence that must pass before a region ends. Default 100 ms. */
  minSilenceDurationMs?: number;
  /** Audio added on each side of a region. Default 30 ms. */
  speechPadMs?: number;
  /** Longest region (padding included); longer ones are split. Default `Infinity`. */
  maxSpeechDurationS?: number;
  /** Only pauses longer than this are used to split an over-long region. Default 98 ms. */
  minSilenceAtMaxSpeechMs?: number;
  /** Split an over-long region at its longest pause (default) rather than at its last one. */
  useMaxPossibleSilenceAtMaxSpeech?: boolean;
}

/** Silero's `get_speech_timestamps` defaults. */
export const SILERO_DEFAULTS = {
  threshold: 0.5,
  minSpeechDurationMs: 250,
  minSilenceDurationMs: 100,
  speechPadMs: 30,
  maxSpeechDurationS: Number.POSITIVE_INFINITY,
  minSilenceAtMaxSpeechMs: 98,
  useMaxPossibleSilenceAtMaxSpeech: true,
} as const;

/** VAD options from the `vad` configuration section. */
export function vadOptionsFromConfig(config: Pick<Config, 'vad'>): VadOptions {
  return {
    threshold: config.vad.threshold,
    minSpeechDurationMs: config.vad.minSpeechMs,
    minSilenceDurationMs: config.vad.minSilenceMs,
    speechPadMs: config.vad.speechPadMs,
    maxSpeechDurationS:
      config.vad.maxSpeechS > 0 ? config.vad.maxSpeechS : Number.POSITIVE_INFINITY,
  };
}

function invalid(message: string): InvalidRequestError {
  return new InvalidRequestError('invalid_parameter', message);
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!(typeof value === 'number' && value >= min && value <= max)) {
    throw invalid(`VAD option ${name} must be between ${min} and ${max}, got ${value}.`);
  }
}

/** Checks the options and converts them into sample counts at the model's `sampleRate`. */
export function segmenterRules(
  options: VadOptions,
  sampleRate: number,
  window: number,
): SegmenterRules & { pad: number } {
  const threshold = options.threshold ?? SILERO_DEFAULTS.threshold;
  checkRange('threshold', threshold, 0, 1);
  const negThreshold = options.negThreshold ?? Math.max(threshold - 0.15, 0.01);
  checkRange('negThreshold', negThreshold, 0, threshold);
  const minSpeechMs = options.minSpeechDurationMs ?? SILERO_DEFAULTS.minSpeechDurationMs;
  const minSilenceMs = options.minSilenceDurationMs ?? SILERO_DEFAULTS.minSilenceDurationMs;
  const padMs = options.speechPadMs ?? SILERO_DEFAULTS.speechPadMs;
  const maxSpeechS = options.maxSpeechDurationS ?? SILERO_DEFAULTS.maxSpeechDurationS;
  const minSilenceAtMaxMs =
    options.minSilenceAtMaxSpeechMs ?? SILERO_DEFAULTS.minSilenceAtMaxSpeechMs;
  const hour = 3_600_000;
  checkRange('minSpeechDurationMs', minSpeechMs, 0, hour);
  checkRange('minSilenceDurationMs', minSilenceMs, 0, hour);
  checkRange('speechPadMs', padMs, 0, hour);
  checkRange('minSilenceAtMaxSpeechMs', minSilenceAtMaxMs, 0, hour);
  if (!(typeof maxSpeechS === 'number' && maxSpeechS > 0)) {
    throw invalid(`VAD option maxSpeechDurationS must be above 0, got ${maxSpeechS}.`);
  }
  const pad = (sampleRate * padMs) / 1000;
  return {
    window,
    threshold,
    negThreshold,
    minSpeech: (sampleRate * minSpeechMs) / 1000,
    minSilence: (sampleRate * minSilenceMs) / 1000,
    // As Silero: the limit leaves room for one frame and the padding on both sides.
    maxSpeech: sampleRate * maxSpeechS - window - 2 * pad,
    minSilenceAtMaxSpeech: (sampleRate * minSilenceAtMaxMs) / 1000,
    useLongestPause: options.useMaxPossibleSilenceAtMaxSpeech ?? true,
    pad,
  };
}
