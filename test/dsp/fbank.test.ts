import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kaldiFbank, kaldiMel } from '../../src/dsp/fbank.js';
import { readNpz } from '../helpers/npz.js';
import { GOLDEN } from '../helpers/paths.js';
import { tone } from '../helpers/signals.js';

// Golden values: test/reference/kaldi_fbank.py (numpy from Kaldi's definitions, float64) on one
// second of test/golden/jfk-16k.f32 scaled to 16-bit integer range, as Kaldi reads audio.
const golden = readNpz(join(GOLDEN, 'kaldi-fbank.npz'));
const bytes = readFileSync(join(GOLDEN, 'jfk-16k.f32'));
const jfk = new Float32Array(
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
);
const second = jfk.slice(8000, 24000).map((x) => x * 32768);

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++)
    max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

describe('kaldiFbank', () => {
  it("matches Kaldi's defaults (23 bins, Povey window, snip edges) to 1e-4", () => {
    const features = kaldiFbank(second);
    expect([features.frames, features.size]).toEqual(golden['fbank_default']?.shape);
    expect(features.frames).toBe(98); // 1 + (16000 − 400) / 160
    expect(
      maxAbsDifference(features.data, golden['fbank_default']?.data as Float64Array),
    ).toBeLessThan(1e-4);
  });

  it('matches a speaker-model setup (80 bins, Hamming, centred frames, energy, high_freq −400) to 1e-4', () => {
    const features = kaldiFbank(second, {
      numMelBins: 80,
      windowType: 'hamming',
      snipEdges: false,
      useEnergy: true,
      energyFloor: 1,
      highFreq: -400,
    });
    expect([features.frames, features.size]).toEqual(golden['fbank_speaker']?.shape);
    expect(
      maxAbsDifference(features.data, golden['fbank_speaker']?.data as Float64Array),
    ).toBeLessThan(1e-4);
  });

  it('puts the energy of a 1 kHz tone in the bin centred nearest 1 kHz', () => {
    const features = kaldiFbank(tone(1000, 16000, 0.5, 10000), { numMelBins: 40 });
    const low = kaldiMel(20);
    const delta = (kaldiMel(8000) - low) / 41;
    const centres = Array.from(
      { length: 40 },
      (_, b) => 700 * (Math.exp((low + (b + 1) * delta) / 1127) - 1),
    );
    const nearest = centres.reduce(
      (best, centre, b) =>
        Math.abs(centre - 1000) < Math.abs((centres[best] as number) - 1000) ? b : best,
      0,
    );
    const row = Array.from(features.data.subarray(10 * 40, 11 * 40));
    expect(row.indexOf(Math.max(...row))).toBe(nearest);
  });

  it('gives no frames for input shorter than one window and refuses bad options', () => {
    expect(kaldiFbank(new Float32Array(399)).frames).toBe(0);
    expect(() => kaldiFbank(second, { numMelBins: 2 })).toThrow(/numMelBins/);
    expect(() => kaldiFbank(second, { lowFreq: 9000 })).toThrow(
      expect.objectContaining({ code: 'invalid_parameter' }),
    );
    expect(() => kaldiFbank(new Float32Array([0, Number.NaN]))).toThrow(
      expect.objectContaining({ code: 'signal_not_finite' }),
    );
  });
});
