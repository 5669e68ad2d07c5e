import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { amplitudeToDb, powerToDb } from '../../src/dsp/db.js';
import { melSpectrogram } from '../../src/dsp/mel-spectrogram.js';
import { cepstrum, mfcc } from '../../src/dsp/mfcc.js';
import { stft } from '../../src/dsp/stft.js';
import { readNpz } from '../helpers/npz.js';
import { GOLDEN } from '../helpers/paths.js';

// Golden values: test/reference/librosa_spectral.py (numpy from librosa's definitions, float64)
// on the first seconds of test/golden/jfk-16k.f32.
const golden = readNpz(join(GOLDEN, 'librosa-spectral.npz'));
const bytes = readFileSync(join(GOLDEN, 'jfk-16k.f32'));
const jfk = new Float32Array(
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
);
const short = jfk.slice(16000, 16000 + 1600);
const clip = jfk.slice(0, 2.5 * 16000);

function reference(name: string, rows: number, columns: number): Float64Array {
  const array = golden[name];
  expect(array?.shape).toEqual(columns === 1 ? [rows] : [rows, columns]);
  return array?.data as Float64Array;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++)
    max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

function largest(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i] as number));
  return max;
}

describe('stft against numpy (librosa conventions)', () => {
  it.each([
    ['stft_a', { nFft: 512, hopLength: 128, center: true, padMode: 'constant' as const }],
    [
      'stft_b',
      {
        nFft: 512,
        hopLength: 160,
        winLength: 400,
        window: 'hamming' as const,
        padMode: 'reflect' as const,
      },
    ],
    ['stft_c', { nFft: 256, hopLength: 100, winLength: 200, center: false }],
  ])('%s: every complex bin agrees to float32 precision', (name, options) => {
    const ours = stft(short, options);
    const re = reference(`${name}_re`, ours.frames, ours.bins);
    const im = reference(`${name}_im`, ours.frames, ours.bins);
    const scale = largest(re);
    expect(maxAbsDifference(ours.re, re) / scale).toBeLessThan(1e-6);
    expect(maxAbsDifference(ours.im, im) / scale).toBeLessThan(1e-6);
  });
});

describe('log-mel spectrogram and MFCC against numpy (librosa definitions)', () => {
  it('librosa defaults (2048/512, 128 Slaney mels, power_to_db ref 1, top_db 80) agree to 1e-3 dB', () => {
    const mel = melSpectrogram(clip, { sampleRate: 16000 });
    const db = powerToDb(mel.data);
    const expected = reference('logmel_a', mel.frames, 128);
    const error = maxAbsDifference(db, expected);
    console.info(`log-mel (librosa defaults): max abs error ${error.toExponential(2)} dB`);
    expect(error).toBeLessThanOrEqual(1e-3);
  });

  it('MFCC with librosa defaults (20 coefficients, DCT-II ortho) agree to 1e-3', () => {
    const coefficients = mfcc(clip, { sampleRate: 16000 });
    expect(coefficients.size).toBe(20);
    const error = maxAbsDifference(coefficients.data, reference('mfcc_a', coefficients.frames, 20));
    console.info(`MFCC (librosa defaults): max abs error ${error.toExponential(2)}`);
    expect(error).toBeLessThanOrEqual(1e-3);
  });

  it('a speech front-end (Hamming 25 ms, HTK mels without norm, not centred, ref max) agrees to 1e-3 dB', () => {
    const mel = melSpectrogram(clip, {
      sampleRate: 16000,
      nFft: 512,
      winLength: 400,
      hopLength: 160,
      window: 'hamming',
      center: false,
      nMels: 40,
      fMin: 20,
      fMax: 7600,
      scale: 'htk',
      norm: null,
    });
    const db = powerToDb(mel.data, { ref: 'max', topDb: null });
    const error = maxAbsDifference(db, reference('logmel_b', mel.frames, 40));
    expect(error).toBeLessThanOrEqual(1e-3);
    const coefficients = cepstrum({ ...mel, data: db }, { nMfcc: 13, lifter: 22 });
    const mfccError = maxAbsDifference(coefficients.data, reference('mfcc_b', mel.frames, 13));
    console.info(
      `speech front-end: log-mel ${error.toExponential(2)} dB, MFCC ${mfccError.toExponential(2)}`,
    );
    expect(mfccError).toBeLessThanOrEqual(1e-3);
  });

  it('amplitude_to_db relative to the maximum, floored 80 dB down, agrees to 1e-3 dB', () => {
    const spectrum = stft(short, { nFft: 512, hopLength: 128, padMode: 'constant' });
    const magnitude = spectrum.re.map((re, i) => Math.hypot(re, spectrum.im[i] as number));
    const db = amplitudeToDb(magnitude, { ref: 'max' });
    expect(
      maxAbsDifference(db, reference('amplitude_db', spectrum.frames, spectrum.bins)),
    ).toBeLessThanOrEqual(1e-3);
    expect(Math.max(...db)).toBeCloseTo(0, 6);
    expect(Math.min(...db)).toBeCloseTo(-80, 4);
  });
});
