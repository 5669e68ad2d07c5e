import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createSpeechModel } from '../../src/tts/registry.js';
import {
  planSpeech,
  synthesize,
  synthesizeEncoded,
  synthesizeStream,
} from '../../src/tts/synthesize.js';
import { recording } from '../helpers/recording-model.js';

const config = loadConfig({ env: {} }).config;
const model = await createSpeechModel(null, { config });

const SENTENCES = [
  'The first sentence is short.',
  'The second one is a little longer than the first.',
  'And the third one ends it.',
];

async function failure(promise: Promise<unknown>): Promise<{ code?: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; status?: number };
  }
  throw new Error('expected a failure');
}

describe('speech requests', () => {
  it.each([
    ['empty text', '', {}, 'speech_text_empty'],
    ['blank text', ' \n\t ', {}, 'speech_text_empty'],
    ['text with nothing to say', '🙂 … *** <br>', {}, 'speech_text_empty'],
    ['text over the limit', 'a'.repeat(4097), {}, 'speech_text_too_long'],
    ['text over a configured limit', 'Hello there.', { maxInputChars: 5 }, 'speech_text_too_long'],
    ['an unknown voice', 'Hello.', { voice: 'nosuchvoice' }, 'speech_voice_not_found'],
    ['too slow a speed', 'Hello.', { speed: 0.2 }, 'speech_speed_out_of_range'],
    ['too fast a speed', 'Hello.', { speed: 4.01 }, 'speech_speed_out_of_range'],
    ['a speed that is not a number', 'Hello.', { speed: Number.NaN }, 'speech_speed_out_of_range'],
    ['a pitch out of range', 'Hello.', { pitch: 120 }, 'invalid_parameter'],
    ['an odd sample rate', 'Hello.', { sampleRate: 100 }, 'invalid_parameter'],
  ])('refuses %s with a 4xx error', async (_name, text, options, code) => {
    const error = await failure(planSpeech(model, text, options));
    expect(error.code).toBe(code);
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.status).toBeLessThan(500);
  });

  it('counts the limit in characters, not UTF-16 units', async () => {
    const plan = await planSpeech(model, `${'😀'.repeat(4000)} ok`, {});
    expect(plan.segments.join(' ')).toBe('ok');
  });

  it('refuses an unknown format and an unknown model with 4xx errors', async () => {
    const format = await failure(
      synthesizeEncoded(model, 'Hello.', { format: 'ogg' as 'wav' }).next(),
    );
    expect(format).toMatchObject({ code: 'audio_unsupported_output', status: 400 });
    const bitrate = await failure(
      synthesizeEncoded(model, 'Hello.', { format: 'mp3', bitrateKbps: 0 }).next(),
    );
    expect(bitrate).toMatchObject({ code: 'invalid_parameter', status: 400 });
    const unknown = await failure(createSpeechModel('nosuchengine', { config }));
    expect(unknown).toMatchObject({ code: 'model_not_found', status: 404 });
    const openai = await createSpeechModel('tts-1', { config });
    expect(openai.provider).toBe('espeak-ng');
  });

  it('normalises the text in the language of the voice', async () => {
    const polish = await planSpeech(model, 'Kosztuje 12,50 zł. Dziękuję!', { voice: 'pl' });
    expect(polish.segments).toEqual([
      'Kosztuje dwanaście złotych pięćdziesiąt groszy.',
      'Dziękuję!',
    ]);
    const english = await planSpeech(model, 'It costs $12.50.', { voice: 'nova' });
    expect(english.segments).toEqual(['It costs twelve dollars and fifty cents.']);
  });
});

describe('streaming speech', () => {
  it('delivers the first sentence before the rest of the text is synthesised', async () => {
    const events: string[] = [];
    const chunks = synthesizeStream(recording(model, events), SENTENCES.join(' '));
    const first = await chunks.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ index: 0, text: SENTENCES[0], sampleRate: 22050 });
    // Only the first sentence has been spoken when its audio arrives.
    expect(events).toEqual([`start ${SENTENCES[0]}`, `end ${SENTENCES[0]}`]);
    const rest = [];
    for await (const chunk of chunks) rest.push(chunk);
    expect(rest.map((chunk) => chunk.text)).toEqual(SENTENCES.slice(1));
    expect(events).toHaveLength(6);
  });

  it('yields encoded bytes before the last sentence is synthesised', async () => {
    const events: string[] = [];
    for await (const bytes of synthesizeEncoded(recording(model, events), SENTENCES.join(' '), {
      format: 'pcm',
    })) {
      events.push(`bytes ${bytes.length}`);
    }
    const firstBytes = events.findIndex((event) => event.startsWith('bytes'));
    expect(firstBytes).toBeGreaterThan(0);
    expect(firstBytes).toBeLessThan(events.indexOf(`start ${SENTENCES[2]}`));
  });

  it('reports an unsupported option once, as a warning, not an error', async () => {
    const result = await synthesize(model, SENTENCES.join(' '), {
      instructions: 'Whisper it.',
    });
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', setting: 'instructions' }),
    ]);
    expect(result.segments.map((segment) => segment.text)).toEqual(SENTENCES);
    expect(result.segments[2]?.endS).toBeCloseTo(result.samples.length / result.sampleRate, 6);
  });

  it('stops when the request is aborted', async () => {
    const controller = new AbortController();
    const chunks = synthesizeStream(model, SENTENCES.join(' '), { signal: controller.signal });
    await chunks.next();
    controller.abort();
    await expect(chunks.next()).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('speech speed and rate', () => {
  const text = 'Speech at different speeds should last a different time, in proportion.';

  it.each([0.25, 0.5, 2, 4])(
    'makes speech at speed %s last about 1/speed as long, inside and outside eSpeak NG’s range',
    async (speed) => {
      const normal = await synthesize(model, text);
      const changed = await synthesize(model, text, { speed });
      const ratio = normal.samples.length / changed.samples.length;
      expect(ratio).toBeGreaterThan(speed * 0.8);
      expect(ratio).toBeLessThan(speed * 1.2);
    },
  );

  it('returns audio at a requested sample rate', async () => {
    const native = await synthesize(model, 'Rate test.');
    const resampled = await synthesize(model, 'Rate test.', { sampleRate: 16000 });
    expect(resampled.sampleRate).toBe(16000);
    expect(resampled.samples.length).toBeCloseTo((native.samples.length * 16000) / 22050, -2);
  });
});
