import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAudio } from '../../src/audio/encode.js';
import { loadAudio } from '../../src/audio/load.js';
import { encodeWav } from '../../src/audio/wav.js';
import { ModelStore } from '../../src/models/model-store.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { storeModelLoader } from '../../src/server/model-loader.js';
import { TestHub } from '../helpers/hub-server.js';
import { JFK_FLAC } from '../helpers/paths.js';
import { writeHeardFixture } from '../helpers/scripted-fixture.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { tone } from '../helpers/signals.js';
import { useTempDir } from '../helpers/tmp.js';
import { writeWav } from '../helpers/wav-writer.js';
import { whisperTokenizer } from '../helpers/whisper-tokenizer.js';

// The models are ONNX Whisper fixtures (random encoder, scripted decoder) published on a local
// hub: the server downloads them into its model store on first use and loads them exactly as
// it would load onnx-community/whisper-base.
const tokenizer = whisperTokenizer();
const tempDir = useTempDir('earshot-openai-');
const SENTENCE = 'The quick brown fox jumps over the lazy dog.';
const POLISH = 'Zażółć gęślą jaźń.';
const PROMPT = 'Pangram.';
const ENGLISH = 'earshot-test/whisper-en';
const POLISH_MODEL = 'earshot-test/whisper-pl';
const PROMPTED_MODEL = 'earshot-test/whisper-pl-prompted';
const clip = writeWav([tone(440, 16_000, 2, 0.3)], { encoding: 's16', sampleRate: 16_000 });

let hub: TestHub;
let pool: SessionPool;
let server: TestServer;
let client: OpenAI;

beforeAll(async () => {
  hub = await TestHub.start();
  const publish = (id: string, heard: Parameters<typeof writeHeardFixture>[1]) => {
    const folder = join(tempDir(), id.replace('/', '--'));
    writeHeardFixture(folder, heard);
    hub.addFolder(id, folder);
  };
  publish(ENGLISH, { language: 'en', segments: [[0, 2, SENTENCE]] });
  publish(POLISH_MODEL, { language: 'pl', segments: [[0, 2, POLISH]] });
  publish(PROMPTED_MODEL, {
    language: 'pl',
    segments: [[0, 2, POLISH]],
    promptTokens: tokenizer.encode(` ${PROMPT}`).length,
  });
  const store = new ModelStore({
    dir: join(tempDir(), 'models'),
    hubUrl: hub.url,
    offline: false,
    token: null,
    timeoutS: 30,
  });
  pool = new SessionPool({
    executionProvider: 'cpu',
    intraOpThreads: 1,
    interOpThreads: 1,
    idleTtlS: 0,
  });
  server = await startServer({
    models: [ENGLISH, POLISH_MODEL, PROMPTED_MODEL],
    loader: storeModelLoader({ store, pool, dtype: 'fp32', inWorker: true }),
  });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  await pool?.close();
  await hub?.close();
});

const file = () => toFile(clip, 'clip.wav', { type: 'audio/wav' });

describe('OpenAI transcriptions through the openai client', () => {
  it('answers json with the text and the audio duration', async () => {
    const result = await client.audio.transcriptions.create({
      file: await file(),
      model: 'whisper-1',
    });
    expect(result.text).toBe(SENTENCE);
    expect(result.usage).toEqual({ type: 'duration', seconds: 2 });
    expect(result.logprobs).toBeUndefined();
  });

  it('answers text, srt and vtt as plain text', async () => {
    const text = await client.audio.transcriptions.create({
      file: await file(),
      model: 'whisper-1',
      response_format: 'text',
    });
    expect(text).toBe(`${SENTENCE}\n`);
    const srt = await client.audio.transcriptions.create({
      file: await file(),
      model: 'whisper-1',
      response_format: 'srt',
    });
    expect(srt).toBe(`1\n00:00:00,000 --> 00:00:02,000\n${SENTENCE}\n\n`);
    const vtt = await client.audio.transcriptions.create({
      file: await file(),
      model: 'whisper-1',
      response_format: 'vtt',
    });
    expect(vtt).toBe(`WEBVTT\n\n00:00.000 --> 00:02.000\n${SENTENCE}\n\n`);
  });

  it('answers verbose_json with segments by default, words and segments on request', async () => {
    const verbose = await client.audio.transcriptions.create({
      file: await file(),
      model: 'whisper-1',
      response_format: 'verbose_json',
    });
    expect(verbose).toMatchObject({
      task: 'transcribe',
      language: 'english',
      duration: 2,
      text: SENTENCE,
      usage: { type: 'duration', seconds: 2 },
    });
    expect(verbose.words).toBeUndefined();
    expect(verbose.segments).toHaveLength(1);
    const segment = verbose.segments?.[0];
    expect(segment).toMatchObject({ id: 0, seek: 0, start: 0, end: 2, text: ` ${SENTENCE}` });
    expect(tokenizer.decode(segment?.tokens ?? [])).toBe(` ${SENTENCE}`);
    for (const key of ['temperature', 'avg_logprob', 'compression_ratio', 'no_speech_prob'])
      expect(typeof (segment as unknown as Record<string, unknown>)[key]).toBe('number');

    const both = await client.audio.transcriptions.create({
      file: await file(),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(both.segments).toHaveLength(1);
    expect(both.words?.map((word) => word.word.trim()).join(' ')).toBe(
      'The quick brown fox jumps over the lazy dog .',
    );
    const ends = both.words?.map((word) => word.end) ?? [];
    expect(ends).toEqual([...ends].sort((a, b) => a - b));
    expect(ends.at(-1)).toBeLessThanOrEqual(2);

    const wordsOnly = await client.audio.transcriptions.create({
      file: await file(),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word'],
    });
    expect(wordsOnly.segments).toBeUndefined();
    expect(wordsOnly.words?.length).toBe(both.words?.length);
  });

  it('returns per-token log-probabilities with include[]=logprobs, bytes as UTF-8', async () => {
    const result = await client.audio.transcriptions.create({
      file: await file(),
      model: POLISH_MODEL,
      include: ['logprobs'],
    });
    expect(result.text).toBe(POLISH);
    const logprobs = result.logprobs ?? [];
    expect(logprobs.length).toBe(tokenizer.encode(` ${POLISH}`).length);
    expect(
      new TextDecoder().decode(new Uint8Array(logprobs.flatMap((item) => item.bytes ?? []))),
    ).toBe(` ${POLISH}`);
    for (const item of logprobs) {
      expect(item.logprob).toBeLessThanOrEqual(0);
      expect(item.logprob).toBeGreaterThan(-1);
    }
  });

  it('picks the model per request and passes prompt, language and temperature through', async () => {
    const result = await client.audio.transcriptions.create({
      file: await file(),
      model: PROMPTED_MODEL,
      language: 'pl',
      prompt: PROMPT,
      temperature: 0.4,
      response_format: 'verbose_json',
    });
    expect(result.language).toBe('polish');
    expect(result.text).toBe(POLISH);
    expect(result.segments?.[0]?.temperature).toBe(0.4);
  });

  it('reads compressed uploads (mp3)', async () => {
    const mp3 = await encodeAudio(tone(300, 16_000, 3, 0.3), 16_000, 'mp3');
    const result = await client.audio.transcriptions.create({
      file: await toFile(mp3, 'clip.mp3', { type: 'audio/mpeg' }),
      model: 'whisper-1',
      response_format: 'verbose_json',
    });
    expect(result.duration).toBeGreaterThan(2.9);
    expect(result.duration).toBeLessThan(3.2);
  });

  it('transcribes only the speech VAD finds with chunking_strategy (auto or server_vad)', async () => {
    const silence = writeWav([new Float32Array(32_000)], { encoding: 's16', sampleRate: 16_000 });
    const silenceFile = () => toFile(silence, 'silence.wav', { type: 'audio/wav' });
    // The scripted model "hears" its sentence even in silence, as Whisper hallucinates…
    expect(
      (await client.audio.transcriptions.create({ file: await silenceFile(), model: 'whisper-1' }))
        .text,
    ).toBe(SENTENCE);
    // …with a chunking strategy the silence never reaches it.
    const auto = await client.audio.transcriptions.create({
      file: await silenceFile(),
      model: 'whisper-1',
      chunking_strategy: 'auto',
    });
    expect(auto.text).toBe('');
    const jfk = (await loadAudio(JFK_FLAC)).samples.subarray(0, 4 * 16_000);
    const speech = await client.audio.transcriptions.create({
      file: await toFile(encodeWav(jfk, 16_000), 'jfk.wav', { type: 'audio/wav' }),
      model: 'whisper-1',
      response_format: 'verbose_json',
      chunking_strategy: {
        type: 'server_vad',
        threshold: 0.5,
        prefix_padding_ms: 100,
        silence_duration_ms: 500,
      },
    });
    expect(speech.text).toBe(SENTENCE);
    for (const segment of speech.segments ?? []) {
      expect(segment.start).toBeGreaterThanOrEqual(0);
      expect(segment.end).toBeLessThanOrEqual(4);
    }
  });

  it('streams delta, segment and done events', async () => {
    const stream = await client.audio.transcriptions.create({
      file: await file(),
      model: 'whisper-1',
      stream: true,
      include: ['logprobs'],
    });
    const events = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.type)).toEqual([
      'transcript.text.delta',
      'transcript.text.segment',
      'transcript.text.done',
    ]);
    const [delta, segment, done] = events;
    expect(delta).toMatchObject({ type: 'transcript.text.delta', delta: SENTENCE });
    expect(segment).toEqual({
      type: 'transcript.text.segment',
      id: 'seg_0',
      start: 0,
      end: 2,
      text: SENTENCE,
      speaker: 'A',
    });
    expect(done).toMatchObject({ type: 'transcript.text.done', text: SENTENCE });
    if (done?.type !== 'transcript.text.done' || delta?.type !== 'transcript.text.delta')
      throw new Error('unexpected event order');
    expect(done.logprobs?.map((item) => item.token).join('')).toBe(` ${SENTENCE}`);
    expect(delta.logprobs).toEqual(done.logprobs);
  });

  it('refuses to stream a subtitle format', async () => {
    const error = await client.audio.transcriptions
      .create({ file: await file(), model: 'whisper-1', stream: true, response_format: 'srt' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('stream');
  });
});

describe('OpenAI translations through the openai client', () => {
  it('translates into English text in every format', async () => {
    const json = await client.audio.translations.create({ file: await file(), model: 'whisper-1' });
    expect(json.text).toBe(SENTENCE);
    const verbose = await client.audio.translations.create({
      file: await file(),
      model: POLISH_MODEL,
      response_format: 'verbose_json',
    });
    expect(verbose).toMatchObject({ task: 'translate', language: 'polish', duration: 2 });
    const srt = await client.audio.translations.create({
      file: await file(),
      model: 'whisper-1',
      response_format: 'srt',
    });
    expect(srt).toContain('00:00:00,000 --> 00:00:02,000');
  });
});

describe('OpenAI translations over plain HTTP', () => {
  it('ignores fields translations do not have (stream, include[])', async () => {
    const form = new FormData();
    form.append('file', new Blob([clip]), 'clip.wav');
    form.append('stream', 'true');
    form.append('include[]', 'logprobs');
    const response = await fetch(`${server.url}/v1/audio/translations`, {
      method: 'POST',
      body: form,
    });
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({
      text: SENTENCE,
      usage: { type: 'duration', seconds: 2 },
    });
  });
});

describe('OpenAI models through the openai client', () => {
  it('lists the models and aliases, and retrieves one', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual([
      ENGLISH,
      POLISH_MODEL,
      PROMPTED_MODEL,
      'whisper-1',
      'gpt-4o-transcribe',
      'gpt-4o-mini-transcribe',
    ]);
    // The client sends the id URL-encoded (earshot-test%2Fwhisper-pl).
    expect(await client.models.retrieve(POLISH_MODEL)).toMatchObject({
      id: POLISH_MODEL,
      object: 'model',
      owned_by: 'earshot',
    });
    expect((await client.models.retrieve('whisper-1')).id).toBe('whisper-1');
  });

  it('reports an unknown model as 404 model_not_found', async () => {
    const error = await client.models.retrieve('gpt-5').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });
});
