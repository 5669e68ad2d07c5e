/**
 * Refused input on `/v1/stream`: each refusal is an `error` event in the live protocol's shape
 * (valid under the published schema) with a stable code, and the session goes on; a model that
 * cannot be opened ends the socket; the server stays healthy throughout.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import type { LiveEvent } from '../../src/stream/events.js';
import { checkLiveStream, liveSchemaErrors } from '../helpers/live-invariants.js';
import { Gate, ScriptedWhisperModel } from '../helpers/scripted-model.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { tone } from '../helpers/signals.js';
import { connect, pcm16, type SocketClient, socketUrl } from '../helpers/socket-client.js';

const MODEL = 'scripted/base';
const BROKEN = 'broken/model';
const SENTENCE = 'Hello world, this is a test.';
const second = pcm16(tone(440, 16_000, 1, 0.3));

let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    models: [MODEL, BROKEN],
    loader: async (id) => {
      if (id === MODEL) return new ScriptedWhisperModel(MODEL);
      throw new ModelError('model_file_missing', `The model ${id} has no encoder file.`);
    },
    // Three seconds per stream, so the limit is reached with little data.
    server: { streamMaxAudioS: 3 },
    live: { agreement: 5 },
  });
});

afterAll(async () => {
  await server?.close();
});

// Every refusal leaves the server healthy.
afterEach(async () => {
  const health = await fetch(`${server.url}/health`);
  expect(await health.json()).toEqual({ status: 'ok' });
});

/** A confirm-only session without VAD: one utterance, closed by stream.end. */
const url = (query = '') => socketUrl(server.url, `/v1/stream?drafts=false&vad=false${query}`);

/** Sends `message`, returns the error event it caused. */
async function refused(client: SocketClient, message: Parameters<SocketClient['send']>[0]) {
  const from = client.events.length;
  client.send(message);
  const event = await client.next('error', from);
  expect(liveSchemaErrors(event)).toBeNull();
  expect(event).toMatchObject({ source: 'source', fatal: false });
  return event['error'] as { code: string; message: string; status: number; retryable: boolean };
}

function error(code: string, status = 400) {
  return { code, message: expect.any(String), status, retryable: false };
}

/** The session still works: a second of audio and stream.end give the final and a 1000 close. */
async function stillWorks(client: SocketClient): Promise<LiveEvent[]> {
  client.send(second);
  client.send({ type: 'stream.end' });
  expect((await client.closed).code).toBe(1000);
  const events = client.events as unknown as LiveEvent[];
  const session = events.slice(events.findIndex((event) => event.type === 'session'));
  expect(checkLiveStream(session).finalText).toBe(` ${SENTENCE}`);
  return events;
}

describe('refused messages get an error event and the session goes on', () => {
  it('garbage in a running session: not JSON, not an object, no type, an unknown type, an odd byte count', async () => {
    const client = await connect(url());
    client.send(second);
    await client.next('session');
    expect(await refused(client, 'hello, this is text not audio')).toEqual(error('invalid_json'));
    expect(await refused(client, '[1, 2, 3]')).toEqual(error('invalid_json'));
    expect(await refused(client, { stream: 'end' })).toEqual(error('invalid_request'));
    expect(await refused(client, { type: 'input_audio_buffer.append', audio: 'AAAA' })).toEqual(
      error('unknown_event_type'),
    );
    expect(await refused(client, Buffer.from([1, 2, 3]))).toEqual(error('audio_invalid_pcm'));
    // Options are set before the audio, not after.
    expect(await refused(client, { type: 'stream.configure', language: 'en' })).toEqual(
      error('invalid_request'),
    );
    const events = await stillWorks(client);
    // The refusals are events of the session, numbered with the rest (checked above), and each
    // is counted in the metrics.
    expect(events.filter((event) => event.type === 'error')).toHaveLength(6);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /earshot_websocket_errors_total\{route="\/v1\/stream",code="audio_invalid_pcm"\} [1-9]/,
    );
  });

  it('an invalid stream.configure leaves the session unstarted, and a corrected one starts it', async () => {
    const client = await connect(url());
    const configure = (options: Record<string, unknown>) => ({
      type: 'stream.configure',
      ...options,
    });
    const unknown = await refused(client, configure({ temperature: 0.2 }));
    expect(unknown).toEqual(error('invalid_parameter'));
    expect(unknown.message).toContain("'temperature'");
    expect(await refused(client, configure({ hold_back: 99 }))).toMatchObject({
      code: 'invalid_parameter',
      message: expect.stringContaining("'hold_back'"),
    });
    expect(await refused(client, configure({ sample_rate: 'fast' }))).toEqual(
      error('invalid_parameter'),
    );
    expect(await refused(client, configure({ model: 'no-such-model' }))).toEqual(
      error('model_not_found', 404),
    );
    expect(await refused(client, configure({ draft_model: 'no-such-model' }))).toMatchObject({
      code: 'model_not_found',
    });
    expect(await refused(client, configure({ language: 'klingon' }))).toEqual(
      error('invalid_parameter'),
    );
    // Before a session, refusals are numbered on their own.
    expect(client.events.map((event) => [event.type, event['seq']])).toEqual(
      [0, 1, 2, 3, 4, 5].map((seq) => ['error', seq]),
    );
    client.send(configure({ language: 'en', hold_back: 0 }));
    const started = await client.next('session');
    expect(started).toMatchObject({ state: 'started', seq: 0, settings: { holdBack: 0 } });
    await stillWorks(client);
  });

  it('refuses audio past server.streamMaxAudioS and still finishes the stream', async () => {
    const client = await connect(url());
    client.send(second);
    client.send(second);
    client.send(second);
    const tooLong = await refused(client, second);
    expect(tooLong).toEqual(error('audio_too_long', 413));
    expect(tooLong.message).toContain('server.streamMaxAudioS');
    client.send({ type: 'stream.end' });
    expect((await client.closed).code).toBe(1000);
    const events = client.events as unknown as LiveEvent[];
    checkLiveStream(events);
    // The three seconds taken are what the session heard.
    expect(events.at(-1)).toMatchObject({ type: 'session', state: 'ended', audioS: 3 });
  });
});

describe('the end of the input', () => {
  it('refuses audio after stream.end while the last pass finishes, then closes with 1000', async () => {
    const gate = new Gate();
    const gated = await startServer({
      models: { [MODEL]: new ScriptedWhisperModel(MODEL, { gate }) },
      live: { agreement: 5 },
    });
    try {
      const client = await connect(socketUrl(gated.url, '/v1/stream?drafts=false&vad=false'));
      client.send(second);
      await gate.arrived(1);
      client.send({ type: 'stream.end' });
      expect(await refused(client, second)).toEqual(error('invalid_request'));
      expect(await refused(client, { type: 'stream.end' })).toEqual(error('invalid_request'));
      gate.open();
      expect((await client.closed).code).toBe(1000);
      const facts = checkLiveStream(client.events as unknown as LiveEvent[]);
      expect(facts.finals.map((final) => final.reason)).toEqual(['end']);
    } finally {
      await gated.close();
    }
  });
});

describe('a model that cannot be opened', () => {
  it('gets a fatal error event naming its code, then the socket closes with 1011', async () => {
    const client = await connect(url(`&model=${BROKEN}`));
    client.send(second);
    expect(await client.closed).toEqual({ code: 1011, reason: 'model unavailable' });
    expect(client.events).toHaveLength(1);
    const [event] = client.events;
    expect(liveSchemaErrors(event)).toBeNull();
    expect(event).toMatchObject({
      type: 'error',
      seq: 0,
      source: 'confirm',
      fatal: true,
      error: { code: 'model_file_missing', status: 500, message: expect.stringContaining(BROKEN) },
    });
    // As a draft model it is named as the draft pass's.
    const asDraft = await connect(socketUrl(server.url, `/v1/stream?draft_model=${BROKEN}`));
    asDraft.send(second);
    expect((await asDraft.closed).code).toBe(1011);
    expect(asDraft.events[0]).toMatchObject({
      source: 'draft',
      error: { code: 'model_file_missing' },
    });
    // Other sessions are not affected.
    await stillWorks(await connect(url()));
  });
});
