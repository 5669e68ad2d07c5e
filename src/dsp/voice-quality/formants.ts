/**
 * Formant frequencies F1–F3 by linear prediction, after Praat's "To Formant (burg)": the signal
 * is resampled to twice the highest formant (5500 Hz by default, so 11 kHz), pre-emphasised
 * from 50 Hz, cut into 25 ms Hamming windows and modelled by Burg's method with 2 poles per
 * formant (5 formants: order 10); the poles' angles and radii give frequencies and bandwidths.
 * Poles within 50 Hz of 0 or of the top, or wider than 1 kHz, are not formants; the lowest three
 * that remain are F1–F3.
 */
import { resample } from '../../audio/resample.js';
import { positiveInteger, positiveNumber } from '../validate.js';
import { burg, polynomialRoots } from './lpc.js';

export interface FormantOptions {
  /** Highest formant looked for, Hz. Default 5500 (about 5000 suits adult male voices). */
  maxFormantHz?: number;
  /** Formants modelled below it (2 poles each). Default 5. */
  numFormants?: number;
  /** Analysis window, seconds. Default 0.025. */
  windowS?: number;
}

export interface FormantTracks {
  /** Hz per requested time; NaN where no formant was found. */
  f1: Float64Array;
  f2: Float64Array;
  f3: Float64Array;
  /** Bandwidths, Hz. */
  b1: Float64Array;
  b2: Float64Array;
  b3: Float64Array;
}

const MAX_BANDWIDTH = 1000;

/** Formants at each time in `times` (seconds) for which `include(i)` holds (default: all). */
export function formantTracks(
  samples: Float32Array,
  sampleRate: number,
  times: ArrayLike<number>,
  options: FormantOptions = {},
  include: (index: number) => boolean = () => true,
): FormantTracks {
  const maxFormant = positiveNumber('maxFormantHz', options.maxFormantHz ?? 5500);
  const numFormants = positiveInteger('numFormants', options.numFormants ?? 5);
  const windowS = positiveNumber('windowS', options.windowS ?? 0.025);
  const rate = Math.min(sampleRate, Math.round(2 * maxFormant));
  // Formants need no hi-fi conversion: a shorter filter (flat to 80 % of the new Nyquist, 60 dB
  // rejection) costs a third of the default one.
  const signal = resample(samples, sampleRate, rate, { passband: 0.8, attenuationDb: 60 });
  const order = 2 * numFormants;
  const length = Math.max(order + 1, Math.round(windowS * rate));
  const window = Float64Array.from(
    { length },
    (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (length - 1)),
  );
  const alpha = Math.exp((-2 * Math.PI * 50) / rate);
  const frame = new Float64Array(length);
  const count = times.length;
  const tracks: FormantTracks = {
    f1: new Float64Array(count).fill(Number.NaN),
    f2: new Float64Array(count).fill(Number.NaN),
    f3: new Float64Array(count).fill(Number.NaN),
    b1: new Float64Array(count).fill(Number.NaN),
    b2: new Float64Array(count).fill(Number.NaN),
    b3: new Float64Array(count).fill(Number.NaN),
  };
  for (let t = 0; t < count; t++) {
    if (!include(t)) continue;
    const start = Math.round((times[t] as number) * rate) - Math.floor(length / 2);
    let previous = signal[start - 1] ?? 0;
    for (let i = 0; i < length; i++) {
      const x = signal[start + i] ?? 0;
      frame[i] = (x - alpha * previous) * (window[i] as number);
      previous = x;
    }
    const polynomial = burg(frame, order);
    if (!polynomial) continue;
    const roots = polynomialRoots(polynomial);
    const found: [number, number][] = [];
    for (let i = 0; i < order; i++) {
      const im = roots.im[i] as number;
      if (im <= 0) continue;
      const re = roots.re[i] as number;
      const frequency = (Math.atan2(im, re) * rate) / (2 * Math.PI);
      const bandwidth = (-Math.log(Math.hypot(re, im)) * rate) / Math.PI;
      if (
        frequency > 50 &&
        frequency < maxFormant - 50 &&
        bandwidth > 0 &&
        bandwidth < MAX_BANDWIDTH
      )
        found.push([frequency, bandwidth]);
    }
    found.sort((a, b) => a[0] - b[0]);
    const keys = [
      ['f1', 'b1'],
      ['f2', 'b2'],
      ['f3', 'b3'],
    ] as const;
    keys.forEach(([f, b], k) => {
      const formant = found[k];
      if (!formant) return;
      tracks[f][t] = formant[0];
      tracks[b][t] = formant[1];
    });
  }
  return tracks;
}
