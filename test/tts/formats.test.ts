import { afterAll, describe, expect, it } from 'vitest';
import { AUDIO_OUTPUT_FORMATS, type AudioOutputFormat } from '../../src/audio/encode.js';
import { loadAudio } from '../../src/audio/load.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { EspeakSpeechModel } from '../../src/tts/espeak/engine.js';
import { synthesizeEncoded } from '../../src/tts/synthesize.js';
import { SileroVad } from '../../src/vad/silero.js';
import { speechTimestamps } from '../../src/vad/speech-timestamps.js';
import { audibleExtent, overlapS } from '../helpers/audible.js';
import { rms } from '../helpers/signals.js';

const model = new EspeakSpeechModel();
const pool = new SessionPool({
  executionProvider: 'cpu',
  intraOpThreads: 1,
  interOpThreads: 1,
  idleTtlS: 0,
});
afterAll(() => pool.close());
const vad = new SileroVad({ pool, version: 'v5' });

const TEXTS = {
  en: 'Earshot speaks as well as it listens. It runs on your own machine, and nothing you say ever leaves it. The quick brown fox jumps over the lazy dog.',
  pl: 'Earshot mówi tak samo dobrze, jak słucha. Działa na twoim własnym komputerze i nic, co powiesz, nigdy go nie opuszcza. Szybki brązowy lis przeskakuje nad leniwym psem.',
};

/**
 * eSpeak NG at its normal rate (175 words a minute) says about 14–17 characters of text a
 * second in English and Polish; speech may last from 0.6 to 1.6 times that estimate.
 */
function expectedDurationS(text: string, speed: number): { min: number; max: number } {
  const estimate = text.length / 15.5 / speed;
  return { min: estimate * 0.6, max: estimate * 1.6 };
}

/**
 * The rate each format decodes at, carrying eSpeak's 22050 Hz audio. Opus has no 22050 Hz mode
 * (it is encoded at 24 kHz) and always decodes at 48 kHz.
 */
const RATES: Record<AudioOutputFormat, number> = {
  wav: 22050,
  pcm: 22050,
  flac: 22050,
  mp3: 22050,
  aac: 22050,
  opus: 48000,
};

async function encode(
  text: string,
  format: AudioOutputFormat,
  options: { voice?: string; speed?: number } = {},
): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of synthesizeEncoded(model, text, { format, ...options })) parts.push(part);
  return Buffer.concat(parts);
}

/** Share of 50 ms frames that are clearly audible: speech fills most of its duration. */
function audibleShare(samples: Float32Array, sampleRate: number): number {
  const frame = Math.round(sampleRate * 0.05);
  let audible = 0;
  let frames = 0;
  for (let start = 0; start + frame <= samples.length; start += frame, frames++) {
    if (rms(samples, start, start + frame) > 0.01) audible++;
  }
  return audible / Math.max(1, frames);
}

describe('synthesised speech in every format', () => {
  it.each(
    AUDIO_OUTPUT_FORMATS.flatMap((format) => [
      [format, 'en', 'en-us'],
      [format, 'pl', 'pl'],
    ]) as [AudioOutputFormat, 'en' | 'pl', string][],
  )(
    '%s (%s) decodes back at the right rate with speech of the expected length, found by VAD',
    async (format, language, voice) => {
      const text = TEXTS[language];
      const bytes = await encode(text, format, { voice });
      const decoded = await loadAudio(bytes, {
        sampleRate: 'source',
        ...(format === 'pcm' ? { raw: { sampleRate: RATES.pcm, channels: 1 } } : {}),
      });
      expect(decoded.source.sampleRate).toBe(RATES[format]);
      expect(decoded.sampleRate).toBe(RATES[format]);
      expect(decoded.source.channels).toBe(1);
      const { min, max } = expectedDurationS(text, 1);
      expect(decoded.durationS).toBeGreaterThan(min);
      expect(decoded.durationS).toBeLessThan(max);
      expect(audibleShare(decoded.samples, decoded.sampleRate)).toBeGreaterThan(0.5);
      // Silero VAD finds speech, and it covers most of the utterance (pauses between sentences
      // are the part it may leave out).
      const found = await speechTimestamps(decoded.samples, {
        model: vad,
        sampleRate: decoded.sampleRate,
      });
      expect(found.length).toBeGreaterThan(0);
      const extent = audibleExtent(decoded.samples, decoded.sampleRate);
      expect(overlapS(found, extent) / (extent.endS - extent.startS)).toBeGreaterThan(0.8);
    },
  );

  it.each([0.5, 2, 4])('keeps the duration in range at speed %s', async (speed) => {
    const bytes = await encode(TEXTS.en, 'wav', { speed });
    const decoded = await loadAudio(bytes, { sampleRate: 'source' });
    const { min, max } = expectedDurationS(TEXTS.en, speed);
    expect(decoded.durationS).toBeGreaterThan(min);
    expect(decoded.durationS).toBeLessThan(max);
    expect(audibleShare(decoded.samples, decoded.sampleRate)).toBeGreaterThan(0.5);
  });
});
