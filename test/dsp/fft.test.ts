import { describe, expect, it } from 'vitest';
import { ComplexFft, RealFft } from '../../src/dsp/fft.js';

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sumRe = 0;
    let sumIm = 0;
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * ((k * t) % n)) / n;
      sumRe += (re[t] as number) * Math.cos(angle) - (im[t] as number) * Math.sin(angle);
      sumIm += (re[t] as number) * Math.sin(angle) + (im[t] as number) * Math.cos(angle);
    }
    outRe[k] = sumRe;
    outIm[k] = sumIm;
  }
  return [outRe, outIm];
}

function seeded(n: number, seed: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length: n }, () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647 - 0.5;
  });
}

describe('ComplexFft', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 25, 49, 77, 121, 200, 256, 400, 512, 1000])(
    'matches the naive DFT for length %i',
    (n) => {
      const re = seeded(n, 7);
      const im = seeded(n, 11);
      const [expectedRe, expectedIm] = naiveDft(re, im);
      new ComplexFft(n).forward(re, im);
      for (let k = 0; k < n; k++) {
        expect(re[k]).toBeCloseTo(expectedRe[k] as number, 9);
        expect(im[k]).toBeCloseTo(expectedIm[k] as number, 9);
      }
    },
  );

  it('rejects a non-positive length', () => {
    expect(() => new ComplexFft(0)).toThrow(RangeError);
  });
});

describe('RealFft', () => {
  it.each([2, 4, 6, 10, 400, 512])(
    'matches the complex transform of real input for length %i',
    (n) => {
      const input = seeded(n, 3);
      const [expectedRe, expectedIm] = naiveDft(input, new Float64Array(n));
      const re = new Float64Array(n / 2 + 1);
      const im = new Float64Array(n / 2 + 1);
      new RealFft(n).forward(input, re, im);
      for (let k = 0; k <= n / 2; k++) {
        expect(re[k]).toBeCloseTo(expectedRe[k] as number, 9);
        expect(im[k]).toBeCloseTo(expectedIm[k] as number, 9);
      }
    },
  );

  it('rejects odd lengths', () => {
    expect(() => new RealFft(401)).toThrow(RangeError);
  });
});
