import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FrameFeatures, frameFeatures } from '../../src/dsp/features/frame.js';
import { readNpz } from '../helpers/npz.js';
import { GOLDEN } from '../helpers/paths.js';
import { noise, tone } from '../helpers/signals.js';

// Golden values: test/reference/librosa_spectral.py (librosa's feature definitions in numpy) on
// the first 2.5 s of test/golden/jfk-16k.f32, with librosa's defaults (2048 / 512, centred).
const golden = readNpz(join(GOLDEN, 'librosa-spectral.npz'));
const bytes = readFileSync(join(GOLDEN, 'jfk-16k.f32'));
const jfk = new Float32Array(
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
);
const clip = jfk.slice(0, 2.5 * 16000);

describe('frameFeatures against numpy (librosa definitions)', () => {
  const features = frameFeatures(clip, { sampleRate: 16000 });
  it.each([
    ['rms', 1e-9],
    ['zcr', 1e-12],
    ['centroid', 1e-6],
    ['bandwidth', 1e-6],
    ['rolloff', 1e-9],
    ['flatness', 1e-9],
    ['flux', 1e-9],
  ] as const)('%s agrees on every frame (relative error < %s)', (name, tolerance) => {
    const expected = golden[`frame_${name}`]?.data as Float64Array;
    const ours = features[name as keyof FrameFeatures] as Float64Array;
    expect(ours.length).toBe(expected.length);
    for (let t = 0; t < expected.length; t++) {
      const scale = Math.max(1e-12, Math.abs(expected[t] as number));
      expect(Math.abs((ours[t] as number) - (expected[t] as number)) / scale).toBeLessThan(
        tolerance,
      );
    }
  });

  it('gives frame centre times at multiples of the hop', () => {
    expect(features.times[0]).toBe(0);
    expect(features.times[4]).toBeCloseTo((4 * 512) / 16000, 12);
    const uncentred = frameFeatures(clip, { sampleRate: 16000, center: false });
    expect(uncentred.times[0]).toBeCloseTo(1024 / 16000, 12);
  });
});

describe('frameFeatures on known signals', () => {
  it('measures a sine: RMS amplitude/√2, centroid and roll-off at its frequency, 2f zero crossings', () => {
    const features = frameFeatures(tone(1000, 16000, 1, 0.5), {
      sampleRate: 16000,
      frameLength: 1024,
      hopLength: 256,
    });
    const t = 20;
    expect(features.rms[t]).toBeCloseTo(0.5 / Math.SQRT2, 3);
    expect(features.centroid[t]).toBeGreaterThan(980);
    expect(features.centroid[t]).toBeLessThan(1020);
    expect(Math.abs((features.rolloff[t] as number) - 1000)).toBeLessThanOrEqual(16000 / 1024);
    expect(features.zcr[t]).toBeCloseTo(2000 / 16000, 2);
    expect(features.flatness[t]).toBeLessThan(0.01);
    expect(features.flux[t]).toBeLessThan(1e-3);
  });

  it('reads a full-scale 1 kHz sine as −3.01 LUFS per frame, and white noise as flat', () => {
    const sine = frameFeatures(tone(1000, 48000, 1, 1), {
      sampleRate: 48000,
      frameLength: 4096,
      hopLength: 1024,
    });
    expect(sine.loudness[20]).toBeCloseTo(-3.01, 1);
    const white = frameFeatures(noise(32000, 0.5, 9), { sampleRate: 16000 });
    expect(white.flatness[5]).toBeGreaterThan(0.4);
    expect(white.centroid[5]).toBeGreaterThan(3500);
    expect(white.centroid[5]).toBeLessThan(4500);
  });

  it('gives zeros for silence, the loudness floor, and a flux of 2 when the spectrum moves entirely', () => {
    const silent = frameFeatures(new Float32Array(8000), {
      sampleRate: 16000,
      frameLength: 512,
      hopLength: 128,
    });
    expect(silent.rms.every((v) => v === 0)).toBe(true);
    expect(silent.centroid.every((v) => v === 0)).toBe(true);
    expect(silent.loudness.every((v) => v === -120)).toBe(true);
    const low = tone(500, 16000, 0.5, 0.5);
    const high = tone(6000, 16000, 0.5, 0.5);
    const both = new Float32Array(16000);
    both.set(low);
    both.set(high, 8000);
    const changing = frameFeatures(both, {
      sampleRate: 16000,
      frameLength: 512,
      hopLength: 512,
      center: false,
    });
    expect(Math.max(...changing.flux)).toBeGreaterThan(0.9);
    expect(changing.flux[3]).toBeLessThan(1e-3);
  });
});
