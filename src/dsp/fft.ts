/**
 * Fast Fourier transforms of any length, in double precision. Speech front-ends use lengths that
 * are not powers of two (Whisper's 400, Kaldi's 400/512 mix), so this is a mixed-radix
 * decimation-in-time FFT with dedicated butterflies for radices 2, 3, 4 and 5 and a generic one
 * for other primes. A plan is built once per length and reused.
 */

interface Stage {
  radix: number;
  /** Length of the sub-transforms this stage combines. */
  span: number;
  /** Twiddles W_{span·radix}^{j·t} for j < span, t < radix, interleaved (re, im). */
  twiddles: Float64Array;
}

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

function radix2(re: Float64Array, im: Float64Array, n: number, { span, twiddles }: Stage): void {
  const step = span * 2;
  for (let block = 0; block < n; block += step) {
    for (let j = 0; j < span; j++) {
      const a = block + j;
      const b = a + span;
      const wr = twiddles[4 * j + 2] as number;
      const wi = twiddles[4 * j + 3] as number;
      const br = (re[b] as number) * wr - (im[b] as number) * wi;
      const bi = (re[b] as number) * wi + (im[b] as number) * wr;
      const ar = re[a] as number;
      const ai = im[a] as number;
      re[a] = ar + br;
      im[a] = ai + bi;
      re[b] = ar - br;
      im[b] = ai - bi;
    }
  }
}

function radix4(re: Float64Array, im: Float64Array, n: number, { span, twiddles }: Stage): void {
  const step = span * 4;
  for (let block = 0; block < n; block += step) {
    for (let j = 0; j < span; j++) {
      const i0 = block + j;
      const i1 = i0 + span;
      const i2 = i1 + span;
      const i3 = i2 + span;
      const t = 8 * j;
      const w1r = twiddles[t + 2] as number;
      const w1i = twiddles[t + 3] as number;
      const w2r = twiddles[t + 4] as number;
      const w2i = twiddles[t + 5] as number;
      const w3r = twiddles[t + 6] as number;
      const w3i = twiddles[t + 7] as number;
      const x0r = re[i0] as number;
      const x0i = im[i0] as number;
      const x1r = (re[i1] as number) * w1r - (im[i1] as number) * w1i;
      const x1i = (re[i1] as number) * w1i + (im[i1] as number) * w1r;
      const x2r = (re[i2] as number) * w2r - (im[i2] as number) * w2i;
      const x2i = (re[i2] as number) * w2i + (im[i2] as number) * w2r;
      const x3r = (re[i3] as number) * w3r - (im[i3] as number) * w3i;
      const x3i = (re[i3] as number) * w3i + (im[i3] as number) * w3r;
      const s02r = x0r + x2r;
      const s02i = x0i + x2i;
      const d02r = x0r - x2r;
      const d02i = x0i - x2i;
      const s13r = x1r + x3r;
      const s13i = x1i + x3i;
      const d13r = x1r - x3r;
      const d13i = x1i - x3i;
      re[i0] = s02r + s13r;
      im[i0] = s02i + s13i;
      // −i·d13 for the forward transform
      re[i1] = d02r + d13i;
      im[i1] = d02i - d13r;
      re[i2] = s02r - s13r;
      im[i2] = s02i - s13i;
      re[i3] = d02r - d13i;
      im[i3] = d02i + d13r;
    }
  }
}

const SIN_60 = Math.sqrt(3) / 2;

function radix3(re: Float64Array, im: Float64Array, n: number, { span, twiddles }: Stage): void {
  const step = span * 3;
  for (let block = 0; block < n; block += step) {
    for (let j = 0; j < span; j++) {
      const i0 = block + j;
      const i1 = i0 + span;
      const i2 = i1 + span;
      const t = 6 * j;
      const w1r = twiddles[t + 2] as number;
      const w1i = twiddles[t + 3] as number;
      const w2r = twiddles[t + 4] as number;
      const w2i = twiddles[t + 5] as number;
      const x0r = re[i0] as number;
      const x0i = im[i0] as number;
      const x1r = (re[i1] as number) * w1r - (im[i1] as number) * w1i;
      const x1i = (re[i1] as number) * w1i + (im[i1] as number) * w1r;
      const x2r = (re[i2] as number) * w2r - (im[i2] as number) * w2i;
      const x2i = (re[i2] as number) * w2i + (im[i2] as number) * w2r;
      const sr = x1r + x2r;
      const si = x1i + x2i;
      const dr = x1r - x2r;
      const di = x1i - x2i;
      re[i0] = x0r + sr;
      im[i0] = x0i + si;
      const mr = x0r - 0.5 * sr;
      const mi = x0i - 0.5 * si;
      re[i1] = mr + SIN_60 * di;
      im[i1] = mi - SIN_60 * dr;
      re[i2] = mr - SIN_60 * di;
      im[i2] = mi + SIN_60 * dr;
    }
  }
}

const C1_5 = Math.cos((2 * Math.PI) / 5);
const C2_5 = Math.cos((4 * Math.PI) / 5);
const S1_5 = Math.sin((2 * Math.PI) / 5);
const S2_5 = Math.sin((4 * Math.PI) / 5);

function radix5(re: Float64Array, im: Float64Array, n: number, { span, twiddles }: Stage): void {
  const step = span * 5;
  for (let block = 0; block < n; block += step) {
    for (let j = 0; j < span; j++) {
      const i0 = block + j;
      const i1 = i0 + span;
      const i2 = i1 + span;
      const i3 = i2 + span;
      const i4 = i3 + span;
      const t = 10 * j;
      const x0r = re[i0] as number;
      const x0i = im[i0] as number;
      const x1r =
        (re[i1] as number) * (twiddles[t + 2] as number) -
        (im[i1] as number) * (twiddles[t + 3] as number);
      const x1i =
        (re[i1] as number) * (twiddles[t + 3] as number) +
        (im[i1] as number) * (twiddles[t + 2] as number);
      const x2r =
        (re[i2] as number) * (twiddles[t + 4] as number) -
        (im[i2] as number) * (twiddles[t + 5] as number);
      const x2i =
        (re[i2] as number) * (twiddles[t + 5] as number) +
        (im[i2] as number) * (twiddles[t + 4] as number);
      const x3r =
        (re[i3] as number) * (twiddles[t + 6] as number) -
        (im[i3] as number) * (twiddles[t + 7] as number);
      const x3i =
        (re[i3] as number) * (twiddles[t + 7] as number) +
        (im[i3] as number) * (twiddles[t + 6] as number);
      const x4r =
        (re[i4] as number) * (twiddles[t + 8] as number) -
        (im[i4] as number) * (twiddles[t + 9] as number);
      const x4i =
        (re[i4] as number) * (twiddles[t + 9] as number) +
        (im[i4] as number) * (twiddles[t + 8] as number);
      const s14r = x1r + x4r;
      const s14i = x1i + x4i;
      const d14r = x1r - x4r;
      const d14i = x1i - x4i;
      const s23r = x2r + x3r;
      const s23i = x2i + x3i;
      const d23r = x2r - x3r;
      const d23i = x2i - x3i;
      re[i0] = x0r + s14r + s23r;
      im[i0] = x0i + s14i + s23i;
      const a1r = x0r + C1_5 * s14r + C2_5 * s23r;
      const a1i = x0i + C1_5 * s14i + C2_5 * s23i;
      const a2r = x0r + C2_5 * s14r + C1_5 * s23r;
      const a2i = x0i + C2_5 * s14i + C1_5 * s23i;
      // Forward transform: multiply the odd parts by −i.
      const b1r = S1_5 * d14i + S2_5 * d23i;
      const b1i = -(S1_5 * d14r + S2_5 * d23r);
      const b2r = S2_5 * d14i - S1_5 * d23i;
      const b2i = -(S2_5 * d14r - S1_5 * d23r);
      re[i1] = a1r + b1r;
      im[i1] = a1i + b1i;
      re[i4] = a1r - b1r;
      im[i4] = a1i - b1i;
      re[i2] = a2r + b2r;
      im[i2] = a2i + b2i;
      re[i3] = a2r - b2r;
      im[i3] = a2i - b2i;
    }
  }
}

function radixGeneric(
  re: Float64Array,
  im: Float64Array,
  n: number,
  { radix, span, twiddles }: Stage,
  scratch: Float64Array,
): void {
  const step = span * radix;
  const inRe = scratch.subarray(0, radix);
  const inIm = scratch.subarray(radix, 2 * radix);
  for (let block = 0; block < n; block += step) {
    for (let j = 0; j < span; j++) {
      for (let t = 0; t < radix; t++) {
        const index = block + j + t * span;
        const wr = twiddles[2 * (j * radix + t)] as number;
        const wi = twiddles[2 * (j * radix + t) + 1] as number;
        inRe[t] = (re[index] as number) * wr - (im[index] as number) * wi;
        inIm[t] = (re[index] as number) * wi + (im[index] as number) * wr;
      }
      for (let u = 0; u < radix; u++) {
        let sumRe = 0;
        let sumIm = 0;
        for (let t = 0; t < radix; t++) {
          const angle = (-2 * Math.PI * ((t * u) % radix)) / radix;
          const c = Math.cos(angle);
          const s = Math.sin(angle);
          sumRe += (inRe[t] as number) * c - (inIm[t] as number) * s;
          sumIm += (inRe[t] as number) * s + (inIm[t] as number) * c;
        }
        const index = block + j + u * span;
        re[index] = sumRe;
        im[index] = sumIm;
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
