/**
 * Speech regions of a whole signal: frame probabilities from a `VadModel`, then Silero's
 * `get_speech_timestamps` rules (`speech-segmenter.ts`) and padding (`speech-padding.ts`).
 * Audio at a rate the model does not run natively is resampled for the model, and the regions
 * are given back on the input's own sample grid.
 */
import { resample } from '../audio/resample.js';
import { InvalidRequestError } from '../errors.js';
import { padSegments, type SampleSpan } from './speech-padding.js';
import { SpeechSegmenter } from './speech-segmenter.js';
import { modelRateFor, type VadModel } from './vad-model.js';
import { segmenterRules, type VadOptions } from './vad-options.js';

/** A speech region: sample offsets on the input's grid and the same instants in seconds. */
export interface SpeechTimestamp {
  /** First sample of the region. */
  start: number;
  /** Sample after the region's last. */
  end: number;
  startS: number;
  endS: number;
}

export interface SpeechTimestampsOptions extends VadOptions {
  model: VadModel;
  /** Rate of `samples`. Default 16000. */
  sampleRate?: number;
}

/** Frame-by-frame speech probabilities at the model's rate. */
export interface SpeechProbabilities {
  probabilities: Float32Array;
  /** The rate the model ran at. */
  sampleRate: number;
  /** Samples per frame at that rate. */
  frameSize: number;
  /** Length of the audio at that rate. */
  totalSamples: number;
}

export function checkSampleRate(sampleRate: number): void {
  if (!(Number.isInteger(sampleRate) && sampleRate >= 1000 && sampleRate <= 768_000)) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `The sample rate must be an integer between 1000 and 768000 Hz, got ${sampleRate}.`,
    );
  }
}

/**
 * Scores every frame of `samples`. The last frame is completed with zeros, as Silero does.
 */
export async function speechProbabilities(
  samples: Float32Array,
  options: { model: VadModel; sampleRate?: number },
): Promise<SpeechProbabilities> {
  const inputRate = options.sampleRate ?? 16000;
  checkSampleRate(inputRate);
  const sampleRate = modelRateFor(options.model, inputRate);
  const audio = resample(samples, inputRate, sampleRate);
  const frameSize = options.model.frameSize(sampleRate);
  const frames = Math.ceil(audio.length / frameSize);
  const probabilities = new Float32Array(frames);
  if (frames === 0) return { probabilities, sampleRate, frameSize, totalSamples: 0 };
  const scorer = await options.model.open(sampleRate);
  try {
    const whole = Math.floor(audio.length / frameSize);
    probabilities.set(await scorer.scoreFrames(audio.subarray(0, whole * frameSize)));
    if (whole < frames) {
      const last = new Float32Array(frameSize);
      last.set(audio.subarray(whole * frameSize));
      probabilities[whole] = await scorer.score(last);
    }
  } finally {
    scorer.close();
  }
  return { probabilities, sampleRate, frameSize, totalSamples: audio.length };
}

/**
 * Silero's segmentation of frame probabilities into padded regions, in model-rate samples.
 * Pure: the same probabilities always give the same regions.
 */
export function segmentProbabilities(
  scores: SpeechProbabilities,
  options: VadOptions = {},
): SampleSpan[] {
  const rules = segmenterRules(options, scores.sampleRate, scores.frameSize);
  const segmenter = new SpeechSegmenter(rules);
  const raw: SampleSpan[] = [];
  let start = 0;
  const collect = (events: ReturnType<SpeechSegmenter['push']>) => {
    for (const event of events) {
      if (event.type === 'start') start = event.sample;
      else raw.push({ start, end: event.sample });
    }
  };
  const { probabilities, frameSize, totalSamples } = scores;
  for (let i = 0; i < probabilities.length; i++) {
    const real = Math.min(frameSize, totalSamples - i * frameSize);
    collect(segmenter.push(probabilities[i] as number, real));
  }
  collect(segmenter.finish(totalSamples));
  return padSegments(raw, rules.pad, totalSamples);
}

/** Maps model-rate spans onto the input's sample grid. */
export function toInputTimeline(
  spans: readonly SampleSpan[],
  modelRate: number,
  inputRate: number,
  inputLength: number,
): SpeechTimestamp[] {
  const convert = (sample: number) =>
    modelRate === inputRate
      ? sample
      : Math.min(inputLength, Math.round((sample * inputRate) / modelRate));
  return spans.map((span) => {
    const start = convert(span.start);
    const end = convert(span.end);
    return { start, end, startS: start / inputRate, endS: end / inputRate };
  });
}

/**
 * Speech regions of `samples`, with Silero's defaults (threshold 0.5, negative threshold
 * threshold − 0.15, 250 ms minimum speech, 100 ms minimum silence, 30 ms padding, no maximum
 * length unless `maxSpeechDurationS` is given).
 */
export async function speechTimestamps(
  samples: Float32Array,
  options: SpeechTimestampsOptions,
): Promise<SpeechTimestamp[]> {
  const inputRate = options.sampleRate ?? 16000;
  checkSampleRate(inputRate);
  const modelRate = modelRateFor(options.model, inputRate);
  // Fail on bad options before any inference.
  segmenterRules(options, modelRate, options.model.frameSize(modelRate));
  const scores = await speechProbabilities(samples, options);
  const spans = segmentProbabilities(scores, options);
  return toInputTimeline(spans, scores.sampleRate, inputRate, samples.length);
}
