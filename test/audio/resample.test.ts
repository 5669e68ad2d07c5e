import { describe, expect, it } from 'vitest';
import { Resampler, resample } from '../../src/audio/resample.js';
import { amplitudeAt, tone } from '../helpers/signals.js';

/** Amplitude in dB of the output component at `frequency`, measured away from the edges. */
function outputLevelDb(samples: Float32Array, rate: number, frequency: number): number {
  const margin = Math.round(rate * 0.1);
  return 20 * Math.log10(amplitudeAt(samples, rate, frequency, margin, samples.length - margin));
}

const PAIRS: Array<[number, number]> = [
  [44100, 16000],
  [48000, 16000],
  [22050, 16000],
  [8000, 16000],
  [16000, 24000],
];

describe('Resampler quality', () => {
  it.each(PAIRS)(
    '%i Hz → %i Hz: pass band flat within 0.05 dB and alias/image rejection ≥ 90 dB',
    (inputRate, outputRate) => {
      const lowNyquist = Math.min(inputRate, outputRate) / 2;
      // Pass band: tones up to 90 % of the lower Nyquist frequency keep their amplitude.
      const passbandLevels: number[] = [];
      for (let fraction = 0.05; fraction <= 0.9001; fraction += 0.05) {
        const frequency = Math.round(lowNyquist * fraction);
        const output = resample(tone(frequency, inputRate, 1, 0.5), inputRate, outputRate);
        passbandLevels.push(outputLevelDb(output, outputRate, frequency) - 20 * Math.log10(0.5));
      }
      const ripple = Math.max(...passbandLevels) - Math.min(...passbandLevels);
      // Stop band: when down-sampling, a tone above the output Nyquist must not alias into the output;
      // when up-sampling, a tone near the input Nyquist must not leave an image above it.
      const rejections: number[] = [];
      for (const fraction of [1.02, 1.1, 1.3, 1.6]) {
        if (outputRate < inputRate) {
          const frequency = lowNyquist * fraction;
          if (frequency >= inputRate / 2) continue;
          const alias = outputRate - frequency;
          const output = resample(tone(frequency, inputRate, 1, 0.5), inputRate, outputRate);
          rejections.push(20 * Math.log10(0.5) - outputLevelDb(output, outputRate, alias));
        } else {
          const frequency = lowNyquist * (2 - fraction);
          const image = inputRate - frequency;
          const output = resample(tone(frequency, inputRate, 1, 0.5), inputRate, outputRate);
          rejections.push(20 * Math.log10(0.5) - outputLevelDb(output, outputRate, image));
        }
      }
      const attenuation = Math.min(...rejections);
      console.info(
        `resampler ${inputRate}→${outputRate}: pass-band ripple ${ripple.toFixed(4)} dB (0–${(0.9 * lowNyquist).toFixed(0)} Hz), stop-band attenuation ${attenuation.toFixed(1)} dB`,
      );
      expect(ripple).toBeLessThan(0.05);
      expect(attenuation).toBeGreaterThanOrEqual(90);
    },
  );
});

describe('Resampler behaviour', () => {
  it('produces ceil(n · out / in) samples', () => {
    for (const [inputRate, outputRate] of PAIRS) {
      for (const length of [1, 7, 1000, 44101]) {
        const output = resample(new Float32Array(length), inputRate, outputRate);
        expect(output.length).toBe(Math.ceil((length * outputRate) / inputRate));
      }
    }
  });

  it('gives the same output streamed in uneven chunks as in one call', () => {
    const input = tone(997, 44100, 0.5);
    const whole = resample(input, 44100, 16000);
    const streaming = new Resampler(44100, 16000);
    const parts: number[] = [];
    for (
      let offset = 0, step = 1;
      offset < input.length;
      offset += step, step = ((step * 7) % 1237) + 1
    ) {
      parts.push(...streaming.push(input.subarray(offset, offset + step)));
    }
    parts.push(...streaming.flush());
    expect(parts.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(parts[i]).toBe(whole[i]);
  });

  it('keeps time alignment: an impulse lands at the same instant on the output timeline', () => {
    const input = new Float32Array(44100);
    input[22050] = 1; // 0.5 s
    const output = resample(input, 44100, 16000);
    let peak = 0;
    for (let i = 1; i < output.length; i++)
      if (Math.abs(output[i] as number) > Math.abs(output[peak] as number)) peak = i;
    expect(peak).toBe(8000);
  });

  it('returns the input unchanged when the rates are equal', () => {
    const input = tone(440, 16000, 0.1);
    expect(resample(input, 16000, 16000)).toBe(input);
  });

  it('converts between rates with a large reduced ratio (44056 → 16000)', () => {
    const output = resample(tone(1000, 44056, 0.5), 44056, 16000);
    expect(outputLevelDb(output, 16000, 1000)).toBeCloseTo(20 * Math.log10(0.5), 1);
  });

  it('rejects rates that are not positive integers', () => {
    expect(() => new Resampler(0, 16000)).toThrow(RangeError);
    expect(() => new Resampler(44100.5, 16000)).toThrow(RangeError);
  });
});
