import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WhisperFeatureExtractor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { melFilters } from '../../src/dsp/mel.js';
import {
  logMelSpectrogram,
  logMelWindows,
  WHISPER_N_FRAMES,
  WHISPER_N_SAMPLES,
} from '../../src/dsp/whisper-mel.js';
import { readNpz } from '../helpers/npz.js';
import { GOLDEN, SHARED_DATA } from '../helpers/paths.js';

function readF32(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++)
    max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

const jfk = readF32(join(GOLDEN, 'jfk-16k.f32'));

describe('Whisper mel filters', () => {
  const npz = readNpz(join(SHARED_DATA, 'whisper', 'mel_filters.npz'));
  it.each([80, 128] as const)('equal OpenAI mel_filters.npz mel_%i to 1e-6', (nMels) => {
    const reference = npz[`mel_${nMels}`];
    expect(reference?.shape).toEqual([nMels, 201]);
    const computed = melFilters({
      sampleRate: 16000,
      nFft: 400,
      nMels,
      scale: 'slaney',
      norm: 'slaney',
    });
    expect(maxAbsDifference(computed, reference?.data as Float64Array)).toBeLessThanOrEqual(1e-6);
  });
});

describe('logMelSpectrogram', () => {
  // Golden values: test/reference/whisper_logmel.py (numpy, float64) on test/golden/jfk-16k.f32,
  // the 16 kHz decode of ../shared/data/audio/jfk.flac.
  it.each([80, 128] as const)(
    'matches the numpy reference on jfk.flac with %i mels to 1e-4 over all bins',
    (nMels) => {
      const golden = readF32(join(GOLDEN, `jfk-logmel-${nMels}.f32`));
      const mel = logMelSpectrogram(jfk, { nMels });
      expect(mel.nMels).toBe(nMels);
      expect(mel.nFrames).toBe(jfk.length / 160);
      expect(maxAbsDifference(mel.data, golden)).toBeLessThanOrEqual(1e-4);
    },
  );

  it('pads with zeros at the end when asked, as transcribe.py does', () => {
    const padded = logMelSpectrogram(jfk, { padding: WHISPER_N_SAMPLES });
    const explicit = new Float32Array(jfk.length + WHISPER_N_SAMPLES);
    explicit.set(jfk);
    expect(padded.nFrames).toBe(jfk.length / 160 + WHISPER_N_FRAMES);
    expect(maxAbsDifference(padded.data, logMelSpectrogram(explicit).data)).toBe(0);
  });

  it('floors every value at the global maximum minus 8 (in log10 units)', () => {
    const mel = logMelSpectrogram(jfk);
    const max = Math.max(...mel.data);
    const min = Math.min(...mel.data);
    expect(max - min).toBeLessThanOrEqual(2 + 1e-6); // (8 / 4) after scaling
  });

  it('handles input shorter than half an FFT frame', () => {
    const mel = logMelSpectrogram(new Float32Array(50).fill(0.1));
    expect(mel.nFrames).toBe(0);
    const short = logMelSpectrogram(new Float32Array(320).fill(0.1));
    expect(short.nFrames).toBe(2);
    expect(short.data.every(Number.isFinite)).toBe(true);
  });
});

describe('logMelWindows (Hugging Face per-window variant)', () => {
  it('matches transformers.js WhisperFeatureExtractor window by window', async () => {
    const config = JSON.parse(
      readFileSync(join(SHARED_DATA, 'whisper-tiny-config', 'preprocessor_config.json'), 'utf8'),
    );
    const extractor = new WhisperFeatureExtractor(config);
    // 40 s: one full window and one padded window.
    const long = new Float32Array(40 * 16000);
    for (let i = 0; i < long.length; i++) long[i] = jfk[i % jfk.length] as number;
    const windows = logMelWindows(long);
    expect(windows).toHaveLength(2);
    for (let w = 0; w < windows.length; w++) {
      const { input_features } = await extractor(
        long.slice(w * WHISPER_N_SAMPLES, (w + 1) * WHISPER_N_SAMPLES),
      );
      expect(input_features.dims).toEqual([1, 80, WHISPER_N_FRAMES]);
      const ours = windows[w];
      expect(ours?.nFrames).toBe(WHISPER_N_FRAMES);
      // transformers.js computes in float32 with its own FFT; agreement is to float32 precision.
      expect(
        maxAbsDifference(ours?.data as Float32Array, input_features.data as Float32Array),
      ).toBeLessThanOrEqual(2e-4);
    }
  });
});
