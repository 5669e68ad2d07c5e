import { describe, expect, it } from 'vitest';
import { timeStretch } from '../../src/dsp/time-stretch.js';
import { amplitudeAt, dominantFrequency, rms, tone } from '../helpers/signals.js';

const RATE = 22050;

/** Largest jump between neighbouring samples: a click shows up as a jump far above a sine's. */
function largestStep(samples: Float32Array, from: number, to: number): number {
  let largest = 0;
  for (let i = from + 1; i < to; i++)
    largest = Math.max(largest, Math.abs((samples[i] as number) - (samples[i - 1] as number)));
  return largest;
}

describe('WSOLA time stretch', () => {
  it.each([0.5, 0.75, 1.6, 2, 3])(
    'plays a 220 Hz tone %s× as fast, at the same pitch, level and without clicks',
    (rate) => {
      const input = tone(220, RATE, 2, 0.5);
      const output = timeStretch(input, RATE, rate);
      expect(output.length).toBe(Math.round(input.length / rate));
      const middle = output.subarray(RATE * 0.1, output.length - RATE * 0.1);
      expect(dominantFrequency(middle, RATE, [110, 147, 220, 330, 440])).toBe(220);
      expect(amplitudeAt(middle, RATE, 220)).toBeGreaterThan(0.45);
      expect(rms(middle)).toBeGreaterThan(0.33);
      expect(rms(middle)).toBeLessThan(0.38);
      // A 220 Hz sine of amplitude 0.5 moves at most 0.5·2π·220/22050 ≈ 0.031 per sample.
      expect(largestStep(middle, 0, middle.length)).toBeLessThan(0.05);
    },
  );

  it('returns a copy at rate 1 and handles empty input', () => {
    const input = tone(300, RATE, 0.1);
    const output = timeStretch(input, RATE, 1);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
    expect(timeStretch(new Float32Array(0), RATE, 2)).toHaveLength(0);
  });

  it('refuses rates outside 0.1–10', () => {
    expect(() => timeStretch(new Float32Array(10), RATE, 0)).toThrow(RangeError);
    expect(() => timeStretch(new Float32Array(10), RATE, 11)).toThrow(RangeError);
  });
});
