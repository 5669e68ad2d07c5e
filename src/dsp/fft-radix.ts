/**
 * The butterflies of one stage of the mixed-radix FFT in `fft.ts`: dedicated ones for radices
 * 2, 3, 4 and 5 and a generic one for other primes. Each combines `radix` sub-transforms of
 * length `span` in place, with the stage's precomputed twiddles.
 */

export interface Stage {
  radix: number;
  /** Length of the sub-transforms this stage combines. */
  span: number;
  /** Twiddles W_{span·radix}^{j·t} for j < span, t < radix, interleaved (re, im). */
  twiddles: Float64Array;
}

export function radix2(
  re: Float64Array,
  im: Float64Array,
  n: number,
  { span, twiddles }: Stage,
): void {
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

export function radix4(
  re: Float64Array,
  im: Float64Array,
  n: number,
  { span, twiddles }: Stage,
): void {
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

export function radix3(
  re: Float64Array,
  im: Float64Array,
  n: number,
  { span, twiddles }: Stage,
): void {
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

export function radix5(
  re: Float64Array,
  im: Float64Array,
  n: number,
  { span, twiddles }: Stage,
): void {
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

export function radixGeneric(
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
