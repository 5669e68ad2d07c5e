import { describe, expect, it } from 'vitest';
import { integratedLoudness, peakDbfs, rmsDbfs } from '../../src/dsp/loudness.js';
import { tone } from '../helpers/signals.js';

describe('integratedLoudness (ITU-R BS.1770-4)', () => {
  it.each([48000, 44100, 16000])('reads a full-scale 1 kHz sine at %i Hz as −3.01 LUFS', (rate) => {
    // BS.1770: a 0 dBFS 1 kHz sine in one channel measures −3.01 LKFS.
    expect(integratedLoudness(tone(1000, rate, 5, 1), rate)).toBeCloseTo(-3.01, 1);
  });

  it('tracks level changes in dB', () => {
    const loud = integratedLoudness(tone(1000, 48000, 5, 0.5), 48000);
    const quiet = integratedLoudness(tone(1000, 48000, 5, 0.05), 48000);
    expect(loud - quiet).toBeCloseTo(20, 1);
  });

  it('gates out quiet passages: a loud tone with long −40 dB gaps reads close to the tone alone', () => {
    const loud = tone(1000, 48000, 3, 0.5);
    const signal = tone(1000, 48000, 10, 0.005);
    signal.set(loud, 48000 * 2);
    const alone = integratedLoudness(loud, 48000);
    const gated = integratedLoudness(signal, 48000);
    // Ungated, the 7 s of quiet would pull the mean down by 10·log10(10/3) ≈ 5.2 dB; the gates keep
    // only the loud blocks (and the blocks straddling its edges).
    expect(Math.abs(gated - alone)).toBeLessThan(0.5);
  });

  it('returns -Infinity for silence', () => {
    expect(integratedLoudness(new Float32Array(48000), 48000)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('peak and RMS', () => {
  it('measure a sine of amplitude 0.5 as −6.02 dBFS peak and −9.03 dBFS RMS', () => {
    const signal = tone(1000, 48000, 1, 0.5);
    expect(peakDbfs(signal)).toBeCloseTo(-6.02, 2);
    expect(rmsDbfs(signal)).toBeCloseTo(-9.03, 2);
  });
});
