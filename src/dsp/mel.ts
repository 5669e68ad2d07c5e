/**
 * Mel scales and triangular mel filter banks, as `librosa.filters.mel` defines them (which is
 * also how OpenAI computed Whisper's `mel_filters.npz`).
 */

export type MelScale = 'slaney' | 'htk';

const SLANEY_F_SP = 200 / 3;
const SLANEY_MIN_LOG_HZ = 1000;
const SLANEY_MIN_LOG_MEL = SLANEY_MIN_LOG_HZ / SLANEY_F_SP;
const SLANEY_LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(hz: number, scale: MelScale = 'slaney'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  if (hz < SLANEY_MIN_LOG_HZ) return hz / SLANEY_F_SP;
  return SLANEY_MIN_LOG_MEL + Math.log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOG_STEP;
}

export function melToHz(mel: number, scale: MelScale = 'slaney'): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  if (mel < SLANEY_MIN_LOG_MEL) return mel * SLANEY_F_SP;
  return SLANEY_MIN_LOG_HZ * Math.exp(SLANEY_LOG_STEP * (mel - SLANEY_MIN_LOG_MEL));
}

export interface MelFilterBankOptions {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fMin?: number;
  /** Default: half the sample rate. */
  fMax?: number;
  scale?: MelScale;
  /** `'slaney'` scales each triangle to unit area (librosa's default); `null` leaves peaks at 1. */
  norm?: 'slaney' | null;
}

/** Filters given as a row-major `nMels × nBins` matrix. */
export interface DenseFilterMatrix {
  weights: Float64Array;
  nMels: number;
}

/**
 * A mel filter bank stored sparsely: each filter keeps only the FFT bins where it is non-zero,
 * which makes applying it about fifty times cheaper than a dense product.
 */
export class MelFilterBank {
  readonly nMels: number;
  readonly nBins: number;
  /** First bin of each filter. */
  readonly starts: Uint32Array;
  /** Weights of each filter, starting at its first bin. */
  readonly weights: Float64Array[];

  /**
   * Builds librosa's filters from `options`, or takes any dense `nMels × nBins` matrix (Kaldi's
   * filters, which are triangles in mel rather than in Hz, come in this way).
   */
  constructor(source: MelFilterBankOptions | DenseFilterMatrix) {
    const dense = 'weights' in source ? source.weights : melFilters(source);
    this.nMels = source.nMels;
    this.nBins = dense.length / source.nMels;
    this.starts = new Uint32Array(this.nMels);
    this.weights = [];
    for (let m = 0; m < this.nMels; m++) {
      const row = dense.subarray(m * this.nBins, (m + 1) * this.nBins);
      let first = row.findIndex((value) => value !== 0);
      let last = row.length - 1;
      while (last >= 0 && row[last] === 0) last--;
      if (first < 0) first = last = 0;
      this.starts[m] = first;
      this.weights.push(row.slice(first, Math.max(first, last + 1)));
    }
  }

  /** Applies the bank to one power spectrum (`nBins` values), writing `nMels` values. */
  apply(
    spectrum: ArrayLike<number>,
    out: Float64Array | Float32Array,
    outOffset = 0,
    outStride = 1,
  ): void {
    for (let m = 0; m < this.nMels; m++) {
      const weights = this.weights[m] as Float64Array;
      const start = this.starts[m] as number;
      let sum = 0;
      for (let k = 0; k < weights.length; k++)
        sum += (weights[k] as number) * (spectrum[start + k] as number);
      out[outOffset + m * outStride] = sum;
    }
  }
}

/** The dense filter matrix, `nMels × (nFft/2 + 1)`, row-major, exactly as librosa builds it. */
export function melFilters(options: MelFilterBankOptions): Float64Array {
  const { sampleRate, nFft, nMels } = options;
  const fMin = options.fMin ?? 0;
  const fMax = options.fMax ?? sampleRate / 2;
  const scale = options.scale ?? 'slaney';
  const norm = options.norm === undefined ? 'slaney' : options.norm;
  const nBins = Math.floor(nFft / 2) + 1;
  const fftFrequencies = Float64Array.from({ length: nBins }, (_, k) => (k * sampleRate) / nFft);
  const melMin = hzToMel(fMin, scale);
  const melMax = hzToMel(fMax, scale);
  const melPoints = Float64Array.from({ length: nMels + 2 }, (_, i) =>
    melToHz(melMin + ((melMax - melMin) * i) / (nMels + 1), scale),
  );
  const weights = new Float64Array(nMels * nBins);
  for (let m = 0; m < nMels; m++) {
    const left = melPoints[m] as number;
    const centre = melPoints[m + 1] as number;
    const right = melPoints[m + 2] as number;
    const enorm = norm === 'slaney' ? 2 / (right - left) : 1;
    for (let k = 0; k < nBins; k++) {
      const f = fftFrequencies[k] as number;
      const lower = (f - left) / (centre - left);
      const upper = (right - f) / (right - centre);
      weights[m * nBins + k] = Math.max(0, Math.min(lower, upper)) * enorm;
    }
  }
  return weights;
}
