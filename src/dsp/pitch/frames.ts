/**
 * What YIN and pYIN share, after librosa (`librosa.yin`, `librosa.pyin`): framing with librosa's
 * defaults scaled to any sample rate, the cumulative mean normalised difference function (CMND)
 * over the lags of the pitch range, parabolic refinement of each lag, and trough detection.
 */
import { fastFftLength, RealFft } from '../fft.js';
import { type PadMode, padSignal } from '../stft.js';
import {
  evenInteger,
  finiteSamples,
  frequencyRange,
  invalidParameter,
  positiveInteger,
  positiveNumber,
} from '../validate.js';

export interface PitchFrameOptions {
  sampleRate: number;
  /** Lowest f0 looked for, Hz. Default 50. */
  fmin?: number;
  /** Highest f0 looked for, Hz. Default 600. */
  fmax?: number;
  /** Analysis frame; default librosa's 2048 samples at 22050 Hz scaled to the rate (even). */
  frameLength?: number;
  /** Integration window of the difference function. Default `frameLength / 2`. */
  winLength?: number;
  /** Default `frameLength / 4`. */
  hopLength?: number;
  /** Pad so that frame t is centred on sample t·hop. Default true. */
  center?: boolean;
  /** Default `'constant'` (zeros), as librosa. */
  padMode?: PadMode;
}

export interface PitchFrames {
  sampleRate: number;
  fmin: number;
  fmax: number;
  frameLength: number;
  winLength: number;
  hopLength: number;
  center: boolean;
  padMode: PadMode;
  minPeriod: number;
  maxPeriod: number;
}

export const DEFAULT_FMIN = 50;
export const DEFAULT_FMAX = 600;

/** librosa's frame length (2048 at 22050 Hz) for another sample rate, rounded to an even size. */
export function defaultPitchFrameLength(sampleRate: number): number {
  return 2 * Math.max(1, Math.round((1024 * sampleRate) / 22050));
}

export function resolvePitchFrames(options: PitchFrameOptions): PitchFrames {
  const sampleRate = positiveNumber('sampleRate', options.sampleRate);
  const fmin = options.fmin ?? DEFAULT_FMIN;
  const fmax = options.fmax ?? DEFAULT_FMAX;
  frequencyRange('fmin', fmin, 'fmax', fmax);
  if (fmax >= sampleRate / 2)
    invalidParameter('fmax', `below Nyquist (${sampleRate / 2} Hz)`, fmax);
  const frameLength = evenInteger(
    'frameLength',
    options.frameLength ?? defaultPitchFrameLength(sampleRate),
  );
  const winLength = positiveInteger('winLength', options.winLength ?? Math.floor(frameLength / 2));
  const hopLength = positiveInteger('hopLength', options.hopLength ?? Math.floor(frameLength / 4));
  const minPeriod = Math.floor(sampleRate / fmax);
  const maxPeriod = Math.min(Math.ceil(sampleRate / fmin), frameLength - winLength - 1);
  if (winLength >= frameLength)
    invalidParameter('winLength', `below frameLength (${frameLength})`, winLength);
  if (maxPeriod - minPeriod < 2) {
    invalidParameter(
      'frameLength',
      `long enough for the pitch range (periods ${minPeriod}…${Math.ceil(sampleRate / fmin)} samples)`,
      frameLength,
    );
  }
  return {
    sampleRate,
    fmin,
    fmax,
    frameLength,
    winLength,
    hopLength,
    center: options.center ?? true,
    padMode: options.padMode ?? 'constant',
    minPeriod,
    maxPeriod,
  };
}

/** Number of pitch frames for `length` samples. */
export function pitchFrameCount(length: number, frames: PitchFrames): number {
  const padded = frames.center ? length + 2 * Math.floor(frames.frameLength / 2) : length;
  return padded < frames.frameLength
    ? 0
    : 1 + Math.floor((padded - frames.frameLength) / frames.hopLength);
}

const TINY = 2.2250738585072014e-308;

/**
 * Visits the CMND of every frame: `cmnd[i]` is d′(τ) for lag τ = minPeriod + i, and `shifts[i]`
 * the parabolic offset of that lag. Arrays are reused between calls.
 */
export function forEachCmnd(
  samples: Float32Array,
  frames: PitchFrames,
  visit: (frame: number, cmnd: Float64Array, shifts: Float64Array) => void,
): number {
  finiteSamples(samples);
  const { frameLength: n, winLength: w, hopLength, minPeriod, maxPeriod } = frames;
  const signal = frames.center ? padSignal(samples, Math.floor(n / 2), frames.padMode) : samples;
  const count = pitchFrameCount(samples.length, frames);
  // acf[τ] = Σ_{m=1..w} x[m]·x[m+τ] for τ ≤ maxPeriod: a linear correlation, so any FFT size
  // of at least w + maxPeriod + 1 gives librosa's values (it uses a circular one of frameLength).
  const span = w + maxPeriod;
  const size = fastFftLength(span + 1);
  const fft = new RealFft(size);
  const bins = size / 2 + 1;
  const segment = new Float64Array(size);
  const reference = new Float64Array(size);
  const aRe = new Float64Array(bins);
  const aIm = new Float64Array(bins);
  const bRe = new Float64Array(bins);
  const bIm = new Float64Array(bins);
  const acf = new Float64Array(size);
  const cumulative = new Float64Array(span + 1);
  const difference = new Float64Array(maxPeriod + 1);
  const lags = maxPeriod - minPeriod + 1;
  const cmnd = new Float64Array(lags);
  const shifts = new Float64Array(lags);
  for (let t = 0; t < count; t++) {
    const start = t * hopLength;
    segment.fill(0);
    reference.fill(0);
    cumulative[0] = (signal[start] as number) ** 2;
    for (let m = 1; m <= span; m++) {
      const x = signal[start + m] as number;
      segment[m - 1] = x;
      if (m <= w) reference[m - 1] = x;
      cumulative[m] = (cumulative[m - 1] as number) + x * x;
    }
    fft.forward(segment, aRe, aIm);
    fft.forward(reference, bRe, bIm);
    for (let k = 0; k < bins; k++) {
      // A·conj(B): the cross-correlation of the segment with the reference window.
      const re = (aRe[k] as number) * (bRe[k] as number) + (aIm[k] as number) * (bIm[k] as number);
      const im = (aIm[k] as number) * (bRe[k] as number) - (aRe[k] as number) * (bIm[k] as number);
      aRe[k] = re;
      aIm[k] = im;
    }
    fft.inverse(aRe, aIm, acf);
    // Energy of x[τ+1 … τ+w]; librosa zeroes magnitudes below 1e-6 in both terms.
    const energyAt = (tau: number) => {
      const e = (cumulative[tau + w] as number) - (cumulative[tau] as number);
      return Math.abs(e) < 1e-6 ? 0 : e;
    };
    const e0 = energyAt(0);
    for (let tau = 0; tau <= maxPeriod; tau++) {
      const r = acf[tau] as number;
      difference[tau] = e0 + energyAt(tau) - 2 * (Math.abs(r) < 1e-6 ? 0 : r);
    }
    let running = 0;
    for (let tau = 1; tau <= maxPeriod; tau++) {
      running += difference[tau] as number;
      if (tau >= minPeriod)
        cmnd[tau - minPeriod] = (difference[tau] as number) / (running / tau + TINY);
    }
    parabolicShifts(cmnd, shifts);
    visit(t, cmnd, shifts);
  }
  return count;
}

/** Offset of the vertex of the parabola through each point and its neighbours (0 if > 1 bin). */
export function parabolicShifts(values: Float64Array, shifts: Float64Array): void {
  const last = values.length - 1;
  shifts[0] = 0;
  shifts[last] = 0;
  for (let i = 1; i < last; i++) {
    const a = (values[i + 1] as number) + (values[i - 1] as number) - 2 * (values[i] as number);
    const b = ((values[i + 1] as number) - (values[i - 1] as number)) / 2;
    shifts[i] = Math.abs(b) >= Math.abs(a) ? 0 : -b / a;
  }
}

/** librosa `localmin` with edge padding: x[i] < x[i−1] and x[i] ≤ x[i+1]. */
export function isLocalMin(values: Float64Array, i: number): boolean {
  const here = values[i] as number;
  const before = values[Math.max(0, i - 1)] as number;
  const after = values[Math.min(values.length - 1, i + 1)] as number;
  return here < before && here <= after;
}
