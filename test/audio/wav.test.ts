import { describe, expect, it } from 'vitest';
import { loadAudio } from '../../src/audio/load.js';
import { encodeWav } from '../../src/audio/wav.js';
import { amplitudeAt, tone } from '../helpers/signals.js';
import { type WavEncoding, writeWav } from '../helpers/wav-writer.js';

const RATE = 16000;
const signal = tone(440, RATE, 0.5, 0.5);

describe('WAV fast path', () => {
  it.each<[WavEncoding, boolean, number]>([
    ['u8', false, 1 / 128],
    ['s16', false, 1 / 32768],
    ['s24', false, 1e-6],
    ['s32', false, 1e-6],
    ['f32', false, 1e-7],
    ['f64', false, 1e-7],
    ['s16', true, 1 / 32768],
    ['s24', true, 1e-6],
    ['f32', true, 1e-7],
  ])(
    'reads %s samples (extensible: %s) to within quantisation',
    async (encoding, extensible, tolerance) => {
      const file = writeWav([signal], { encoding, sampleRate: RATE, extensible });
      const audio = await loadAudio(file);
      expect(audio.source.format).toBe('wav');
      expect(audio.source.bitsPerSample).toBe(
        { u8: 8, s16: 16, s24: 24, s32: 32, f32: 32, f64: 64 }[encoding],
      );
      expect(audio.samples.length).toBe(signal.length);
      for (let i = 0; i < signal.length; i++) {
        expect(Math.abs((audio.samples[i] as number) - (signal[i] as number))).toBeLessThanOrEqual(
          tolerance,
        );
      }
    },
  );

  it('averages stereo channels to mono', async () => {
    const left = tone(440, RATE, 0.5, 0.4);
    const right = tone(1000, RATE, 0.5, 0.4);
    const audio = await loadAudio(writeWav([left, right], { encoding: 'f32', sampleRate: RATE }));
    expect(audio.source.channels).toBe(2);
    expect(amplitudeAt(audio.samples, RATE, 440)).toBeCloseTo(0.2, 2);
    expect(amplitudeAt(audio.samples, RATE, 1000)).toBeCloseTo(0.2, 2);
  });

  it('resamples to 16 kHz by default and keeps the source rate on request', async () => {
    const file = writeWav([tone(440, 44100, 1, 0.5)], { encoding: 's16', sampleRate: 44100 });
    const converted = await loadAudio(file);
    expect(converted.sampleRate).toBe(16000);
    expect(converted.samples.length).toBe(16000);
    expect(converted.durationS).toBeCloseTo(1, 6);
    expect(amplitudeAt(converted.samples, 16000, 440)).toBeCloseTo(0.5, 2);
    const original = await loadAudio(file, { sampleRate: 'source' });
    expect(original.sampleRate).toBe(44100);
    expect(original.samples.length).toBe(44100);
  });

  it('skips unknown chunks, including odd-sized ones with a pad byte', async () => {
    const audio = await loadAudio(
      writeWav([signal], { encoding: 's16', sampleRate: RATE, extraChunkBytes: 33 }),
    );
    expect(audio.samples.length).toBe(signal.length);
  });

  it('reads a data chunk whose size was left unknown by a streaming recorder', async () => {
    const audio = await loadAudio(
      writeWav([signal], { encoding: 's16', sampleRate: RATE, declaredDataSize: 0xffffffff }),
    );
    expect(audio.samples.length).toBe(signal.length);
  });

  it('refuses a WAV whose data ends before its declared size, or keeps the part present when allowed', async () => {
    const whole = writeWav([signal], { encoding: 's16', sampleRate: RATE });
    const cut = whole.subarray(0, 44 + 4000);
    await expect(loadAudio(cut)).rejects.toMatchObject({ code: 'audio_truncated', status: 400 });
    const partial = await loadAudio(cut, { strictTruncation: false });
    expect(partial.samples.length).toBe(2000);
  });

  it('reports a WAV with an empty data chunk as empty', async () => {
    await expect(loadAudio(encodeWav(new Float32Array(0), RATE))).rejects.toMatchObject({
      code: 'audio_empty',
    });
  });

  it('reports a header cut before the data chunk as truncated and a broken fmt chunk as corrupt', async () => {
    const whole = writeWav([signal], { encoding: 's16', sampleRate: RATE });
    await expect(loadAudio(whole.subarray(0, 30))).rejects.toMatchObject({
      code: 'audio_truncated',
    });
    const broken = Buffer.from(whole);
    broken.writeUInt16LE(0, 22); // zero channels
    await expect(loadAudio(broken)).rejects.toMatchObject({ code: 'audio_corrupt' });
  });

  it('round-trips encodeWav output exactly at 16-bit precision', async () => {
    const audio = await loadAudio(encodeWav(signal, RATE));
    for (let i = 0; i < signal.length; i++)
      expect(Math.abs((audio.samples[i] as number) - (signal[i] as number))).toBeLessThanOrEqual(
        1 / 32768,
      );
  });
});
