import { join } from 'node:path';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelStore } from '../../src/models/model-store.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { storeModelLoader } from '../../src/server/model-loader.js';
import { RealtimeServerEventSchema } from '../../src/server/realtime/server-events.js';
import { TestHub } from '../helpers/hub-server.js';
import { writeHeardFixture } from '../helpers/scripted-fixture.js';
import { ScriptedWhisperModel } from '../helpers/scripted-model.js';
import { startServer, type TestServer } from '../helpers/server.js';
import {
  appendEvents,
  connect,
  type ServerEvent,
  type SocketClient,
  socketUrl,
} from '../helpers/socket-client.js';
import { buildScene, type Scene } from '../helpers/speech-scene.js';
import { useTempDir } from '../helpers/tmp.js';

// The default model is an ONNX Whisper fixture (random encoder, scripted decoder) published on a
// local hub and loaded through the model store, as onnx-community/whisper-base would be; the
// second model is the scripted engine, which hears two segments in any audio.
const tempDir = useTempDir('earshot-realtime-');
const FIXTURE = 'earshot-test/whisper-realtime';
const SENTENCE = 'The quick brown fox jumps over the lazy dog.';
const SCRIPTED = 'scripted/two-segments';
const SEGMENTS = [
  [0, 1, 'Hello there.'],
  [1, 2, 'How are you?'],
] as const;
const RATE = 24_000;
const validEvent = Compile(RealtimeServerEventSchema);

let hub: TestHub;
let pool: SessionPool;
let server: TestServer;
let scene: Scene;

beforeAll(async () => {
  hub = await TestHub.start();
  const folder = join(tempDir(), 'fixture');
  writeHeardFixture(folder, { language: 'en', segments: [[0, 2, SENTENCE]] });
  hub.addFolder(FIXTURE, folder);
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
  const scripted = new ScriptedWhisperModel(SCRIPTED, { segments: SEGMENTS });
  const fixtures = storeModelLoader({ store, pool, dtype: 'fp32' });
  server = await startServer({
    models: [FIXTURE, SCRIPTED],
    loader: async (id) => (id === SCRIPTED ? scripted : fixtures(id)),
  });
  scene = await buildScene(
    [
      { silenceS: 0.6 },
      { say: 'The quick brown fox jumps over the lazy dog.' },
      { silenceS: 1.2 },
      { say: 'Pack my box with five dozen liquor jugs.' },
      { silenceS: 1.2 },
    ],
    RATE,
  );
});

afterAll(async () => {
  await server?.close();
  await pool?.close();
  await hub?.close();
});

const realtimeUrl = () => socketUrl(server.url, '/v1/realtime?intent=transcription');

function expectValid(events: readonly ServerEvent[]): void {
  for (const event of events) {
    if (!validEvent.Check(event)) {
      throw new Error(
        `${event.type} does not match its schema: ${JSON.stringify(validEvent.Errors(event)[0])}`,
      );
    }
  }
}

function indexOf(client: SocketClient, type: string, itemId: string): number {
  return client.events.findIndex((event) => event.type === type && event['item_id'] === itemId);
}

describe('realtime transcription with server VAD', () => {
  it('announces each turn, commits it and transcribes it, in order, on the session timeline', async () => {
    const client = await connect(realtimeUrl());
    const created = await client.next('session.created');
    expect(client.events[1]?.type).toBe('transcription_session.created');
    expect(created['session']).toMatchObject({
      type: 'transcription',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24_000 },
          transcription: { model: FIXTURE },
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
          },
        },
      },
    });
    for (const event of appendEvents(scene.samples, RATE)) client.send(event);
    const completed = await client.count(
      'conversation.item.input_audio_transcription.completed',
      2,
    );
    await client.close();

    const started = client.events.filter((e) => e.type === 'input_audio_buffer.speech_started');
    const stopped = client.events.filter((e) => e.type === 'input_audio_buffer.speech_stopped');
    const committed = client.events.filter((e) => e.type === 'input_audio_buffer.committed');
    expect(started).toHaveLength(2);
    expect(stopped).toHaveLength(2);
    expect(committed).toHaveLength(2);
    expectValid(client.events);
    for (const [turn, truth] of scene.truth.entries()) {
      const itemId = started[turn]?.['item_id'] as string;
      expect(stopped[turn]?.['item_id']).toBe(itemId);
      expect(committed[turn]?.['item_id']).toBe(itemId);
      expect(committed[turn]?.['previous_item_id']).toBe(
        turn === 0 ? null : started[turn - 1]?.['item_id'],
      );
      // The order within a turn: started, stopped, committed, delta(s), completed.
      const order = [
        'input_audio_buffer.speech_started',
        'input_audio_buffer.speech_stopped',
        'input_audio_buffer.committed',
        'conversation.item.input_audio_transcription.delta',
        'conversation.item.input_audio_transcription.completed',
      ].map((type) => indexOf(client, type, itemId));
      expect(order.every((index) => index >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      // Times count from the first appended sample: the start includes the 300 ms prefix
      // padding; VAD places boundaries within a few 32 ms frames of the audible speech.
      const startMs = started[turn]?.['audio_start_ms'] as number;
      const endMs = stopped[turn]?.['audio_end_ms'] as number;
      expect(startMs).toBeGreaterThanOrEqual(truth.startS * 1000 - 300 - 150);
      expect(startMs).toBeLessThanOrEqual(truth.startS * 1000 - 300 + 150);
      expect(endMs).toBeGreaterThanOrEqual(truth.endS * 1000 - 150);
      expect(endMs).toBeLessThanOrEqual(truth.endS * 1000 + 250);
      const deltas = client.events.filter(
        (event) =>
          event.type === 'conversation.item.input_audio_transcription.delta' &&
          event['item_id'] === itemId,
      );
      const done = completed.find((event) => event['item_id'] === itemId);
      expect(done?.['transcript']).toBe(SENTENCE);
      expect(deltas.map((event) => event['delta']).join('')).toBe(SENTENCE);
      expect(done?.['usage']).toEqual({
        type: 'duration',
        seconds: Math.ceil((endMs - startMs) / 1000),
      });
    }
    // The second turn starts after the first one ended.
    expect(started[1]?.['audio_start_ms']).toBeGreaterThan(stopped[0]?.['audio_end_ms'] as number);
  });

  it('applies the turn detection a session sets: a longer silence joins the two sentences', async () => {
    const client = await connect(realtimeUrl());
    client.send({
      type: 'transcription_session.update',
      session: {
        input_audio_format: 'pcm16',
        input_audio_transcription: { model: SCRIPTED, language: 'en' },
        turn_detection: { type: 'server_vad', silence_duration_ms: 1500 },
      },
    });
    const updated = await client.next('transcription_session.updated');
    expect(updated['session']).toMatchObject({
      input_audio_transcription: { model: SCRIPTED, language: 'en', prompt: '' },
      turn_detection: {
        type: 'server_vad',
        threshold: 0.5,
        prefix_padding_ms: 300,
        silence_duration_ms: 1500,
      },
    });
    for (const event of appendEvents(scene.samples, RATE)) client.send(event);
    // The scene ends 1.2 s after the second sentence: less than the silence that ends a turn,
    // so the client commits the turn in progress itself.
    client.send({ type: 'input_audio_buffer.commit' });
    const done = await client.next('conversation.item.input_audio_transcription.completed');
    await client.close();
    const started = client.events.filter((e) => e.type === 'input_audio_buffer.speech_started');
    expect(started).toHaveLength(1);
    expect(client.events.some((e) => e.type === 'input_audio_buffer.speech_stopped')).toBe(false);
    // The commit takes the turn VAD announced, under the same item id.
    expect(done['item_id']).toBe(started[0]?.['item_id']);
    expect(done['transcript']).toBe('Hello there. How are you?');
    const deltas = client.events.filter(
      (e) => e.type === 'conversation.item.input_audio_transcription.delta',
    );
    expect(deltas.map((event) => event['delta'])).toEqual(['Hello there.', ' How are you?']);
    expectValid(client.events);
  });
});

describe('realtime transcription with manual commits', () => {
  it('transcribes what the client commits when turn detection is off (GA session shape)', async () => {
    const client = await connect(realtimeUrl());
    await client.next('session.created');
    client.send({
      type: 'session.update',
      session: {
        type: 'transcription',
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: 24_000 },
            transcription: { model: SCRIPTED },
            turn_detection: null,
          },
        },
        include: ['item.input_audio_transcription.logprobs'],
      },
    });
    const updated = await client.next('session.updated');
    expect(updated['session']).toMatchObject({
      type: 'transcription',
      audio: { input: { transcription: { model: SCRIPTED }, turn_detection: null } },
      include: ['item.input_audio_transcription.logprobs'],
    });
    const half = Math.floor(scene.samples.length / 2);
    for (const event of appendEvents(scene.samples.subarray(0, half), RATE)) client.send(event);
    client.send({ type: 'input_audio_buffer.commit', event_id: 'first' });
    for (const event of appendEvents(scene.samples.subarray(half), RATE)) client.send(event);
    client.send({ type: 'input_audio_buffer.commit', event_id: 'second' });
    const completed = await client.count(
      'conversation.item.input_audio_transcription.completed',
      2,
    );
    await client.close();
    expectValid(client.events);
    // No VAD events without turn detection.
    expect(client.events.some((e) => e.type.includes('speech_'))).toBe(false);
    const committed = client.events.filter((e) => e.type === 'input_audio_buffer.committed');
    expect(committed.map((event) => event['previous_item_id'])).toEqual([
      null,
      committed[0]?.['item_id'],
    ]);
    expect(completed.map((event) => event['item_id'])).toEqual(
      committed.map((event) => event['item_id']),
    );
    for (const event of completed) {
      expect(event['transcript']).toBe('Hello there. How are you?');
      const logprobs = event['logprobs'] as Array<{ token: string; logprob: number }>;
      expect(logprobs.map((entry) => entry.token).join('')).toBe(' Hello there. How are you?');
      for (const entry of logprobs) expect(entry.logprob).toBeLessThanOrEqual(0);
    }
    // Both halves together are the whole scene: 5.x s, billed in whole seconds.
    const seconds = completed.map((event) => (event['usage'] as { seconds: number }).seconds);
    expect(seconds.reduce((a, b) => a + b)).toBeGreaterThanOrEqual(
      Math.floor(scene.samples.length / RATE),
    );
  });

  it('clears the buffer: a commit after a clear has nothing to commit', async () => {
    const client = await connect(realtimeUrl());
    client.send({ type: 'transcription_session.update', session: { turn_detection: null } });
    await client.next('transcription_session.updated');
    for (const event of appendEvents(scene.samples.subarray(0, RATE), RATE)) client.send(event);
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
    client.send({ type: 'input_audio_buffer.commit', event_id: 'after-clear' });
    const error = await client.next('error');
    expect(error['error']).toEqual({
      type: 'invalid_request_error',
      code: 'input_audio_buffer_commit_empty',
      message: expect.stringContaining('at least 100 ms'),
      param: null,
      event_id: 'after-clear',
    });
    // The session goes on: audio appended now is committed and transcribed.
    for (const event of appendEvents(scene.samples.subarray(0, RATE), RATE)) client.send(event);
    client.send({ type: 'input_audio_buffer.commit' });
    const done = await client.next('conversation.item.input_audio_transcription.completed');
    expect(done['transcript']).toBe(SENTENCE);
    await client.close();
    expect(client.events.filter((e) => e.type === 'input_audio_buffer.committed')).toHaveLength(1);
    expectValid(client.events);
  });
});
