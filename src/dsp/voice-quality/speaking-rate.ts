/**
 * Speaking rate from syllable nuclei, after de Jong & Wempe (2009, "Praat script to detect
 * syllable nuclei and measure speech rate automatically"): an intensity contour (50 ms Hann
 * windows every 10 ms, dB); a threshold 25 dB below its 99th percentile; every intensity peak
 * above the threshold that is followed by a dip of at least 2 dB before the next peak, and is
 * voiced, is a syllable nucleus. Voicing is judged at the peak itself, as Praat's pitch
 * analysis does: the normalised autocorrelation of 40 ms of signal reaches 0.45 at some lag in
 * the pitch range (a pitch tracker's smoothed voicing would miss short vowels of fast speech).
 * Phonation time is the time above the threshold, gaps shorter than 0.3 s counted as speech.
 */
import { frequencyRange, nonNegativeNumber, positiveNumber } from '../validate.js';

export interface SyllableOptions {
  /** Threshold relative to the 99th percentile of intensity, dB. Default −25. */
  silenceDb?: number;
  /** Smallest dip between two peaks for the first to count, dB. Default 2. */
  minDipDb?: number;
  /** Shortest pause; shorter gaps count as phonation. Default 0.3 s. */
  minPauseS?: number;
  /** Pitch range for the voicing check, Hz. Default 50–600. */
  fmin?: number;
  fmax?: number;
  /** Normalised autocorrelation a voiced peak reaches. Default 0.45 (Praat's). */
  voicingThreshold?: number;
}

export interface SpeakingRate {
  /** Times of the syllable nuclei, seconds. */
  nuclei: Float64Array;
  syllables: number;
  /** Syllables per second of the whole input. */
  speechRate: number;
  /** Syllables per second of phonation time. */
  articulationRate: number;
  phonationTimeS: number;
  /** Pauses of at least `minPauseS` inside the speech. */
  pauses: number;
  durationS: number;
}

const WINDOW_S = 0.05;
const STEP_S = 0.01;

/** Intensity (dB, relative to full scale) every 10 ms, over 50 ms Hann windows. */
export function intensityContour(samples: Float32Array, sampleRate: number): Float64Array {
  const length = Math.max(2, Math.round(WINDOW_S * sampleRate));
  const step = Math.max(1, Math.round(STEP_S * sampleRate));
  const window = Float64Array.from(
    { length },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / length),
  );
  const windowSum = window.reduce((sum, w) => sum + w, 0);
  const count = Math.max(0, Math.floor(samples.length / step) + 1);
  const contour = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    const start = t * step - Math.floor(length / 2);
    let sum = 0;
    for (let i = 0; i < length; i++) sum += (window[i] as number) * (samples[start + i] ?? 0) ** 2;
    contour[t] = 10 * Math.log10(Math.max(sum / windowSum, 1e-12));
  }
  return contour;
}

function quantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return (
    (sorted[low] as number) +
    ((sorted[high] as number) - (sorted[low] as number)) * (position - low)
  );
}

/** Largest normalised autocorrelation of 40 ms around `timeS` over lags of the pitch range. */
function periodicity(
  samples: Float32Array,
  sampleRate: number,
  timeS: number,
  fmin: number,
  fmax: number,
): number {
  const length = Math.round(0.04 * sampleRate);
  const start = Math.round(timeS * sampleRate) - Math.floor(length / 2);
  let best = 0;
  for (let lag = Math.floor(sampleRate / fmax); lag <= Math.ceil(sampleRate / fmin); lag++) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < length; i++) {
      const x = samples[start + i - Math.floor(lag / 2)] ?? 0;
      const y = samples[start + i - Math.floor(lag / 2) + lag] ?? 0;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    if (aa > 0 && bb > 0) best = Math.max(best, ab / Math.sqrt(aa * bb));
  }
  return best;
}

/** Syllable nuclei and speaking rate. */
export function speakingRate(
  samples: Float32Array,
  sampleRate: number,
  options: SyllableOptions = {},
): SpeakingRate {
  const fmin = options.fmin ?? 50;
  const fmax = options.fmax ?? 600;
  frequencyRange('fmin', fmin, 'fmax', fmax);
  const voicingThreshold = options.voicingThreshold ?? 0.45;
  const silenceDb = options.silenceDb ?? -25;
  const minDip = nonNegativeNumber('minDipDb', options.minDipDb ?? 2);
  const minPause = nonNegativeNumber('minPauseS', options.minPauseS ?? 0.3);
  positiveNumber('sampleRate', sampleRate);
  const durationS = samples.length / sampleRate;
  const contour = intensityContour(samples, sampleRate);
  const threshold = Math.max(quantile(contour, 0.99) + silenceDb, Math.min(...contour));
  const empty: SpeakingRate = {
    nuclei: new Float64Array(0),
    syllables: 0,
    speechRate: 0,
    articulationRate: Number.NaN,
    phonationTimeS: 0,
    pauses: 0,
    durationS,
  };
  if (contour.length < 3 || !(quantile(contour, 0.99) > -100)) return empty;

  // Peaks above the threshold.
  const peaks: number[] = [];
  for (let t = 1; t + 1 < contour.length; t++) {
    const value = contour[t] as number;
    if (
      value > threshold &&
      value > (contour[t - 1] as number) &&
      value >= (contour[t + 1] as number)
    )
      peaks.push(t);
  }
  const nuclei: number[] = [];
  for (let p = 0; p < peaks.length; p++) {
    const here = peaks[p] as number;
    const end = p + 1 < peaks.length ? (peaks[p + 1] as number) : contour.length - 1;
    let dip = Number.POSITIVE_INFINITY;
    for (let t = here; t <= end; t++) dip = Math.min(dip, contour[t] as number);
    if ((contour[here] as number) - dip < minDip) continue;
    const time = here * STEP_S;
    if (periodicity(samples, sampleRate, time, fmin, fmax) >= voicingThreshold) nuclei.push(time);
  }

  // Phonation: above the threshold, bridging gaps shorter than the minimum pause.
  let phonationFrames = 0;
  let pauses = 0;
  let first = -1;
  let last = -1;
  for (let t = 0; t < contour.length; t++) {
    if ((contour[t] as number) <= threshold) continue;
    if (first < 0) first = t;
    else {
      const gap = (t - last - 1) * STEP_S;
      if (gap >= minPause) pauses++;
      else phonationFrames += t - last - 1;
    }
    phonationFrames++;
    last = t;
  }
  const phonationTimeS = phonationFrames * STEP_S;
  return {
    nuclei: Float64Array.from(nuclei),
    syllables: nuclei.length,
    speechRate: nuclei.length / durationS,
    articulationRate: phonationTimeS > 0 ? nuclei.length / phonationTimeS : Number.NaN,
    phonationTimeS,
    pauses,
    durationS,
  };
}
