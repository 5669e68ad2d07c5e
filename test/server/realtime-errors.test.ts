import { connect as connectTcp } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedWhisperModel } from '../helpers/scripted-model.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { tone } from '../helpers/signals.js';
import {
  appendEvents,
  connect,
  pcm16Base64,
  type SocketClient,
  socketUrl,
} from '../helpers/socket-client.js';

const RATE = 24_000;
const second = tone(440, RATE, 1, 0.3);

let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    models: { 'scripted/base': new ScriptedWhisperModel('scripted/base') },
    // Two seconds of audio per session, so the limit is reached with little data.
    server: { realtimeMaxAudioS: 2 },
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

/** A session with turn detection off, ready for client events. */
async function session(): Promise<SocketClient> {
  const client = await connect(socketUrl(server.url, '/v1/realtime?intent=transcription'));
  client.send({ type: 'transcription_session.update', session: { turn_detection: null } });
  await client.next('transcription_session.updated');
  return client;
}

/** Sends `message`, returns the error event it caused. */
async function refused(client: SocketClient, message: Parameters<SocketClient['send']>[0]) {
  const from = client.events.length;
  client.send(message);
  return (await client.next('error', from))['error'];
}

/** The socket still works: one second appended and committed is transcribed. */
async function stillWorks(client: SocketClient): Promise<void> {
  const from = client.events.length;
  for (const event of appendEvents(second, RATE)) client.send(event);
  client.send({ type: 'input_audio_buffer.commit' });
  const done = await client.next('conversation.item.input_audio_transcription.completed', from);
  expect(done['transcript']).toBe('Hello world, this is a test.');
}

function error(code: string, param: string | null, eventId: string | null = null) {
  return {
    type: 'invalid_request_error',
    code,
    message: expect.any(String),
    param,
    event_id: eventId,
  };
}

describe('refused client events get an error event and the session goes on', () => {
  it('garbage: not JSON, not an object, no type, an unknown type, a binary frame', async () => {
    const client = await session();
    expect(await refused(client, 'not json {')).toEqual(error('invalid_json', null));
    expect(await refused(client, '[1, 2, 3]')).toEqual(error('invalid_json', null));
    expect(await refused(client, Buffer.from([0xff, 0x00, 0x13, 0x37]))).toEqual(
      error('invalid_json', null),
    );
    expect(await refused(client, { event_id: 'e1' })).toEqual(
      error('invalid_request', 'type', 'e1'),
    );
    expect(await refused(client, { type: 'response.create', event_id: 'e2' })).toEqual(
      error('unknown_event_type', 'type', 'e2'),
    );
    await stillWorks(client);
    await client.close();
  });

  it('bad audio: invalid base64, an odd byte count, a missing audio field', async () => {
    const client = await session();
    const append = (audio: unknown) => ({
      type: 'input_audio_buffer.append',
      event_id: 'a',
      audio,
    });
    expect(await refused(client, append('%%% not base64 %%%'))).toEqual(
      error('audio_invalid_base64', 'audio', 'a'),
    );
    expect(await refused(client, append(Buffer.from([1, 2, 3]).toString('base64')))).toEqual(
      error('audio_invalid_pcm', 'audio', 'a'),
    );
    expect(await refused(client, append(42))).toEqual(error('invalid_parameter', 'audio', 'a'));
    expect(await refused(client, { type: 'input_audio_buffer.append' })).toEqual(
      error('invalid_parameter', 'audio'),
    );
    // Nothing refused reached the buffer: a commit now has nothing to commit.
    expect(await refused(client, { type: 'input_audio_buffer.commit' })).toEqual(
      error('input_audio_buffer_commit_empty', null),
    );
    await stillWorks(client);
    await client.close();
  });

  it('invalid settings leave the session as it was', async () => {
    const client = await session();
    const update = (session: Record<string, unknown>) => ({
      type: 'transcription_session.update',
      event_id: 'u',
      session,
    });
    expect(
      await refused(client, update({ turn_detection: { type: 'server_vad', threshold: 2 } })),
    ).toEqual(error('invalid_parameter', 'session.turn_detection.threshold', 'u'));
    expect(await refused(client, update({ turn_detection: { type: 'semantic_vad' } }))).toEqual(
      error('invalid_parameter', 'session.turn_detection.type', 'u'),
    );
    expect(await refused(client, update({ input_audio_format: 'g711_ulaw' }))).toEqual(
      error('invalid_parameter', 'session.input_audio_format', 'u'),
    );
    expect(
      await refused(client, update({ input_audio_transcription: { model: 'no-such-model' } })),
    ).toEqual({ ...error('model_not_found', 'session.input_audio_transcription.model', 'u') });
    expect(
      await refused(client, update({ input_audio_transcription: { language: 'klingon' } })),
    ).toEqual(error('invalid_parameter', 'session.input_audio_transcription.language', 'u'));
    expect(
      await refused(client, {
        type: 'session.update',
        session: { type: 'realtime', audio: { input: {} } },
      }),
    ).toEqual(error('invalid_parameter', 'session.type'));
    expect(
      await refused(client, {
        type: 'session.update',
        session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcmu' } } } },
      }),
    ).toEqual(error('invalid_parameter', 'session.audio.input.format.type'));
    // Not one of them changed the session: turn detection is still off.
    client.send({ type: 'transcription_session.update', session: {} });
    const updated = await client.next('transcription_session.updated', 3);
    expect(updated['session']).toMatchObject({
      turn_detection: null,
      input_audio_format: 'pcm16',
      input_audio_transcription: { model: 'scripted/base', language: '' },
    });
    await stillWorks(client);
    await client.close();
  });

  it('refuses audio beyond the session limit and takes it again once turns are transcribed', async () => {
    const client = await session();
    const chunk = { type: 'input_audio_buffer.append', audio: pcm16Base64(second) };
    client.send(chunk);
    client.send(chunk);
    expect(await refused(client, { ...chunk, event_id: 'third' })).toEqual({
      ...error('input_audio_buffer_full', 'audio', 'third'),
      message: expect.stringContaining('server.realtimeMaxAudioS'),
    });
    client.send({ type: 'input_audio_buffer.commit' });
    const done = await client.next('conversation.item.input_audio_transcription.completed');
    // The two seconds that were taken are what was transcribed.
    expect(done['usage']).toEqual({ type: 'duration', seconds: 2 });
    await stillWorks(client);
    await client.close();
  });
});

describe('large messages', () => {
  it('checks an append of 15 MiB of audio like any other', async () => {
    const client = await session();
    const audio = Buffer.alloc(15 * 1024 * 1024, 1).toString('base64');
    expect(
      await refused(client, { type: 'input_audio_buffer.append', audio: `${audio.slice(4)}!!==` }),
    ).toEqual(error('audio_invalid_base64', 'audio'));
    // Valid, but more than this server's two seconds per session.
    expect(await refused(client, { type: 'input_audio_buffer.append', audio })).toEqual(
      error('input_audio_buffer_full', 'audio'),
    );
    await stillWorks(client);
    await client.close();
  });
});

describe('broken WebSocket traffic', () => {
  it('a connection sending bytes that are not WebSocket frames is closed with 1002', async () => {
    const client = await connect(socketUrl(server.url, '/v1/realtime?intent=transcription'));
    // Reserved opcode 0x3 with the mask bit: no valid frame starts like this.
    (client.socket as unknown as { _socket: { write(bytes: Buffer): void } })._socket.write(
      Buffer.from([0x83, 0x85, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    );
    expect((await client.closed).code).toBe(1002);
  });

  it('a raw TCP client that upgrades and then sends noise does not disturb other sessions', async () => {
    const { hostname: host, port } = new URL(server.url);
    const raw = connectTcp(Number(port), host);
    await new Promise((resolve) => raw.once('connect', resolve));
    raw.write(
      [
        'GET /v1/realtime?intent=transcription HTTP/1.1',
        `Host: ${host}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        '',
        '',
      ].join('\r\n'),
    );
    let answer = '';
    await new Promise<void>((resolve) =>
      raw.on('data', (chunk: Buffer) => {
        answer += chunk.toString('latin1');
        if (answer.includes('\r\n\r\n')) resolve();
      }),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 101 /);
    const ended = new Promise((resolve) => raw.once('close', resolve));
    raw.write(Buffer.from('this is not a websocket frame at all'));
    await ended;
    const client = await session();
    await stillWorks(client);
    await client.close();
  });
});
