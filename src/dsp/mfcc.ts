/**
 * Mel-frequency cepstral coefficients as `librosa.feature.mfcc` computes them: a mel
 * spectrogram in dB (`power_to_db`, ref 1, amin 1e-10, top_db 80 over the whole input), a
 * type-II DCT along the mel axis (orthonormal by default), the first `nMfcc` coefficients, and
 * optional sinusoidal liftering `1 + (L/2)·sin(π(n+1)/L)`.
 */
import { type DbOptions, powerToDb } from './db.js';
import type { FeatureMatrix } from './matrix.js';
import { type MelSpectrogramOptions, melSpectrogram } from './mel-spectrogram.js';
import { invalidParameter, nonNegativeNumber, positiveInteger } from './validate.js';

export interface CepstrumOptions {
  /** Coefficients kept per frame. Default 20. */
  nMfcc?: number;
  /** Lifter parameter L; 0 (default) leaves the coefficients as they are. */
  lifter?: number;
  /** `'ortho'` (default) scales the DCT to be orthonormal; `null` is scipy's unscaled type II. */
  dctNorm?: 'ortho' | null;
}

export interface MfccOptions extends MelSpectrogramOptions, CepstrumOptions, DbOptions {}

/** A type-II DCT of length `n` truncated to its first `count` outputs, as a precomputed matrix. */
export class DctII {
  readonly size: number;
  readonly count: number;
  private readonly basis: Float64Array;

  constructor(size: number, count = size, norm: 'ortho' | null = 'ortho') {
    this.size = positiveInteger('DCT size', size);
    this.count = positiveInteger('DCT outputs', count);
    if (count > size) invalidParameter('nMfcc', `at most the number of mel bands (${size})`, count);
    this.basis = new Float64Array(count * size);
    for (let k = 0; k < count; k++) {
      const scale = norm === 'ortho' ? Math.sqrt((k === 0 ? 1 : 2) / size) : 2;
      for (let n = 0; n < size; n++)
        this.basis[k * size + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * size));
    }
  }

  /** y[k] = Σₙ x[n]·cos(πk(2n+1)/2N)·scale, for k < count. */
  apply(input: ArrayLike<number>, out: Float64Array): void {
    const { size, count, basis } = this;
    for (let k = 0; k < count; k++) {
      let sum = 0;
      const row = k * size;
      for (let n = 0; n < size; n++) sum += (basis[row + n] as number) * (input[n] as number);
      out[k] = sum;
    }
  }
}

/** Cepstral coefficients of every row of a log (dB) mel matrix. */
export function cepstrum(logMel: FeatureMatrix, options: CepstrumOptions = {}): FeatureMatrix {
  const nMfcc = options.nMfcc ?? 20;
  const lifter = nonNegativeNumber('lifter', options.lifter ?? 0);
  const dct = new DctII(
    logMel.size,
    nMfcc,
    options.dctNorm === undefined ? 'ortho' : options.dctNorm,
  );
  const weights = Float64Array.from({ length: nMfcc }, (_, n) =>
    lifter > 0 ? 1 + (lifter / 2) * Math.sin((Math.PI * (n + 1)) / lifter) : 1,
  );
  const data = new Float32Array(logMel.frames * nMfcc);
  const out = new Float64Array(nMfcc);
  for (let t = 0; t < logMel.frames; t++) {
    dct.apply(logMel.data.subarray(t * logMel.size, (t + 1) * logMel.size), out);
    for (let n = 0; n < nMfcc; n++)
      data[t * nMfcc + n] = (out[n] as number) * (weights[n] as number);
  }
  return { data, frames: logMel.frames, size: nMfcc };
}

/** MFCCs, frame-major (`frames × nMfcc`), as `librosa.feature.mfcc`. */
export function mfcc(samples: Float32Array, options: MfccOptions): FeatureMatrix {
  const mel = melSpectrogram(samples, options);
  const db = powerToDb(mel.data, {
    ref: options.ref ?? 1,
    amin: options.amin ?? 1e-10,
    topDb: options.topDb === undefined ? 80 : options.topDb,
  });
  return cepstrum({ ...mel, data: db }, options);
}
