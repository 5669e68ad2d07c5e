/**
 * Fast Fourier transforms of any length, in double precision. Speech front-ends use lengths that
 * are not powers of two (Whisper's 400, Kaldi's 400/512 mix), so this is a mixed-radix
 * decimation-in-time FFT with dedicated butterflies for radices 2, 3, 4 and 5 and a generic one
 * for other primes. A plan is built once per length and reused.
 */
import { radix2, radix3, radix4, radix5, radixGeneric, type Stage } from './fft-radix.js';

function factorize(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  while (rest % 4 === 0) {
    factors.push(4);
    rest /= 4;
  }
  for (const prime of [2, 3, 5]) {
    while (rest % prime === 0) {
      factors.push(prime);
      rest /= prime;
    }
  }
  for (let prime = 7; prime * prime <= rest; prime += 2) {
    while (rest % prime === 0) {
      factors.push(prime);
      rest /= prime;
    }
  }
  if (rest > 1) factors.push(rest);
  return factors;
}

/** Smallest even length ≥ `minimum` whose only prime factors are 2, 3 and 5 (fast to transform). */
export function fastFftLength(minimum: number): number {
  for (let n = Math.max(2, Math.ceil(minimum)); ; n++) {
    if (n % 2 !== 0) continue;
    let rest = n;
    for (const prime of [2, 3, 5]) while (rest % prime === 0) rest /= prime;
    if (rest === 1) return n;
  }
}

/** A complex FFT of one length, with its permutation and twiddles precomputed. */
export class ComplexFft {
  readonly size: number;
  private readonly permutation: Uint32Array;
  private readonly stages: Stage[];
  private readonly scratch: Float64Array;
  private readonly copyRe: Float64Array;
  private readonly copyIm: Float64Array;

  constructor(size: number) {
    if (!(Number.isInteger(size) && size >= 1))
      throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    this.size = size;
    const factors = factorize(size);
    // Input index of each position: digits in stage order, weighted from the most significant.
    this.permutation = new Uint32Array(size);
    for (let position = 0; position < size; position++) {
      let rest = position;
      let source = 0;
      let weight = size;
      for (const radix of factors) {
        weight /= radix;
        source += (rest % radix) * weight;
        rest = Math.floor(rest / radix);
      }
      this.permutation[position] = source;
    }
    this.stages = [];
    let span = 1;
    for (const radix of factors) {
      const twiddles = new Float64Array(2 * span * radix);
      for (let j = 0; j < span; j++) {
        for (let t = 0; t < radix; t++) {
          const angle = (-2 * Math.PI * j * t) / (span * radix);
          twiddles[2 * (j * radix + t)] = Math.cos(angle);
          twiddles[2 * (j * radix + t) + 1] = Math.sin(angle);
        }
      }
      this.stages.push({ radix, span, twiddles });
      span *= radix;
    }
    const largest = Math.max(1, ...factors);
    this.scratch = new Float64Array(4 * largest);
    this.copyRe = new Float64Array(size);
    this.copyIm = new Float64Array(size);
  }

  /**
   * Forward transform of `(re, im)` in place: X[k] = Σ x[n]·e^(−2πikn/N).
   * `re` and `im` must each hold `size` values.
   */
  forward(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    const permutation = this.permutation;
    // Apply the digit-reversal permutation through a copy.
    const copyRe = this.copyRe;
    const copyIm = this.copyIm;
    copyRe.set(re.subarray(0, n));
    copyIm.set(im.subarray(0, n));
    for (let i = 0; i < n; i++) {
      const source = permutation[i] as number;
      re[i] = copyRe[source] as number;
      im[i] = copyIm[source] as number;
    }
    for (const stage of this.stages) {
      switch (stage.radix) {
        case 2:
          radix2(re, im, n, stage);
          break;
        case 4:
          radix4(re, im, n, stage);
          break;
        case 3:
          radix3(re, im, n, stage);
          break;
        case 5:
          radix5(re, im, n, stage);
          break;
        default:
          radixGeneric(re, im, n, stage, this.scratch);
      }
    }
  }
}

/**
 * FFT of real input of even length N through one complex FFT of length N/2. Produces the N/2 + 1
 * non-negative-frequency bins.
 */
export class RealFft {
  readonly size: number;
  private readonly half: ComplexFft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(size: number) {
    if (!(Number.isInteger(size) && size >= 2 && size % 2 === 0)) {
      throw new RangeError(`Real FFT size must be an even integer ≥ 2, got ${size}`);
    }
    this.size = size;
    const m = size / 2;
    this.half = new ComplexFft(m);
    this.re = new Float64Array(m);
    this.im = new Float64Array(m);
    this.cos = new Float64Array(m + 1);
    this.sin = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      this.cos[k] = Math.cos((-2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((-2 * Math.PI * k) / size);
    }
  }

  /** Bins 0…N/2 of the transform of `input` (length N) into `outRe`/`outIm` (length N/2 + 1). */
  forward(input: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    const m = this.size / 2;
    const re = this.re;
    const im = this.im;
    for (let i = 0; i < m; i++) {
      re[i] = input[2 * i] as number;
      im[i] = input[2 * i + 1] as number;
    }
    this.half.forward(re, im);
    for (let k = 0; k <= m; k++) {
      const a = k % m;
      const b = (m - k) % m;
      const zr = re[a] as number;
      const zi = im[a] as number;
      const cr = re[b] as number;
      const ci = -(im[b] as number);
      // Even part E = (Z[k] + conj Z[m−k]) / 2, odd part O = (Z[k] − conj Z[m−k]) / 2i.
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      const or = 0.5 * (zi - ci);
      const oi = -0.5 * (zr - cr);
      const wr = this.cos[k] as number;
      const wi = this.sin[k] as number;
      outRe[k] = er + wr * or - wi * oi;
      outIm[k] = ei + wr * oi + wi * or;
    }
  }

  /**
   * Inverse transform: the real signal (length N, into `out`) whose bins 0…N/2 are `(re, im)`.
   * Undoes `forward` exactly, scaling included (x = (1/N)·Σ X[k]·e^(2πikn/N)).
   */
  inverse(re: ArrayLike<number>, im: ArrayLike<number>, out: Float64Array): void {
    const m = this.size / 2;
    const zRe = this.re;
    const zIm = this.im;
    for (let k = 0; k < m; k++) {
      const xr = re[k] as number;
      const xi = im[k] as number;
      const cr = re[m - k] as number;
      const ci = -(im[m - k] as number);
      // E[k] = (X[k] + conj X[m−k]) / 2, O[k] = (X[k] − conj X[m−k])·W^(−k) / 2.
      const er = 0.5 * (xr + cr);
      const ei = 0.5 * (xi + ci);
      const dr = 0.5 * (xr - cr);
      const di = 0.5 * (xi - ci);
      const wr = this.cos[k] as number;
      const wi = -(this.sin[k] as number);
      const or = dr * wr - di * wi;
      const oi = dr * wi + di * wr;
      // Z = E + i·O, conjugated so that the forward transform computes the inverse.
      zRe[k] = er - oi;
      zIm[k] = -(ei + or);
    }
    this.half.forward(zRe, zIm);
    for (let i = 0; i < m; i++) {
      out[2 * i] = (zRe[i] as number) / m;
      out[2 * i + 1] = -(zIm[i] as number) / m;
    }
  }

  /** |X[k]|² for bins 0…N/2 of the transform of `input`. */
  power(
    input: ArrayLike<number>,
    out: Float64Array,
    scratchRe: Float64Array,
    scratchIm: Float64Array,
  ): void {
    this.forward(input, scratchRe, scratchIm);
    for (let k = 0; k <= this.size / 2; k++) {
      const r = scratchRe[k] as number;
      const i = scratchIm[k] as number;
      out[k] = r * r + i * i;
    }
  }
}
