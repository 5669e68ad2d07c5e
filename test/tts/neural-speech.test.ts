/**
 * Piper and Kokoro (tiny fixture models) through the shared synthesis code: every output format
 * decodes back at the voice's rate with the duration the model made, and streaming hands over
 * the first sentence before the next one is synthesised.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AUDIO_OUTPUT_FORMATS, type AudioOutputFormat } from '../../src/audio/encode.js';
import { loadAudio } from '../../src/audio/load.js';
import type { SpeechModel } from '../../src/tts/speech-model.js';
import { synthesize, synthesizeEncoded, synthesizeStream } from '../../src/tts/synthesize.js';
import { testPool, useNeuralVoices } from '../helpers/neural-voices.js';
import { recording } from '../helpers/recording-model.js';
import { rms } from '../helpers/signals.js';

const voices = useNeuralVoices();
afterAll(() => testPool.close());

const TEXT =
  'Neural voices speak sentence by sentence. Each one is encoded as soon as it is ready. The last sentence ends it.';
const SENTENCES = [
  'Neural voices speak sentence by sentence.',
  'Each one is encoded as soon as it is ready.',
  'The last sentence ends it.',
];

interface Case {
  engine: string;
  voice: string;
  rate: number;
  model: () => Promise<SpeechModel>;
}

const CASES: Case[] = [
  { engine: 'piper', voice: 'en_US-lessac-medium', rate: 22050, model: () => voices.piper() },
  { engine: 'piper', voice: 'en_US-danny-low', rate: 16000, model: () => voices.piper() },
  { engine: 'kokoro', voice: 'af_heart', rate: 24000, model: () => voices.kokoro() },
];

/** The rate a format decodes at for audio made at `rate` (Opus always decodes at 48 kHz). */
function decodedRate(format: AudioOutputFormat, rate: number): number {
  return format === 'opus' ? 48000 : rate;
}

async function encode(model: SpeechModel, voice: string, format: AudioOutputFormat) {
  const parts: Buffer[] = [];
  for await (const part of synthesizeEncoded(model, TEXT, { voice, format })) parts.push(part);
  return Buffer.concat(parts);
}

describe.each(CASES)('$engine voice $voice', ({ voice, rate, model: make }) => {
  it.each(AUDIO_OUTPUT_FORMATS)(
    '%s decodes back at the right rate, as long as the speech the model made',
    async (format) => {
      const model = await make();
      const made = await synthesize(model, TEXT, { voice });
      expect(made.sampleRate).toBe(rate);
      const madeS = made.samples.length / made.sampleRate;
      const decoded = await loadAudio(await encode(model, voice, format), {
        sampleRate: 'source',
        ...(format === 'pcm' ? { raw: { sampleRate: rate, channels: 1 } } : {}),
      });
      expect(decoded.sampleRate).toBe(decodedRate(format, rate));
      expect(decoded.source.channels).toBe(1);
      // Lossy codecs add priming and padding of a few tens of milliseconds.
      expect(decoded.durationS).toBeGreaterThan(madeS - 0.01);
      expect(decoded.durationS).toBeLessThan(madeS + 0.12);
      expect(rms(decoded.samples, 0, decoded.samples.length)).toBeGreaterThan(0.02);
    },
  );

  it('streams the first sentence before the next one is synthesised', async () => {
    const events: string[] = [];
    const chunks = synthesizeStream(recording(await make(), events), TEXT, { voice });
    const first = await chunks.next();
    expect(first.value).toMatchObject({ index: 0, text: SENTENCES[0], sampleRate: rate });
    expect(events).toEqual([`start ${SENTENCES[0]}`, `end ${SENTENCES[0]}`]);
    const rest: string[] = [];
    for await (const chunk of chunks) rest.push(chunk.text);
    expect(rest).toEqual(SENTENCES.slice(1));
  });

  it('yields encoded bytes before the last sentence is synthesised', async () => {
    const events: string[] = [];
    for await (const bytes of synthesizeEncoded(recording(await make(), events), TEXT, {
      voice,
      format: 'pcm',
    })) {
      events.push(`bytes ${bytes.length}`);
    }
    const firstBytes = events.findIndex((event) => event.startsWith('bytes'));
    expect(firstBytes).toBeGreaterThan(0);
    expect(firstBytes).toBeLessThan(events.indexOf(`start ${SENTENCES[2]}`));
  });
});
