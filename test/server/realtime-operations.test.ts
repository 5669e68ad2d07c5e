import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/manual-clock.js';
import { Gate, ScriptedWhisperModel } from '../helpers/scripted-model.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { tone } from '../helpers/signals.js';
import { appendEvents, connect, type SocketClient, socketUrl } from '../helpers/socket-client.js';

const RATE = 24_000;
const second = tone(440, RATE, 1, 0.3);
const PATH = '/v1/realtime?intent=transcription';

let server: TestServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(options: Omit<Parameters<typeof startServer>[0], 'models'> = {}) {
  const model = new ScriptedWhisperModel('scripted/base');
  server = await startServer({ models: { 'scripted/base': model }, ...options });
  return { server, model };
}

/** Why an upgrade was refused: the HTTP status, headers and body the server answered with. */
async function refusal(url: string, options: Parameters<typeof connect>[1] = {}) {
  const error = (await connect(url, options).then(
    () => {
      throw new Error('the upgrade was accepted');
    },
    (failure: unknown) => failure,
  )) as { status: number; headers: Record<string, string>; body: string };
  return { status: error.status, headers: error.headers, body: JSON.parse(error.body) };
}

/** Appends one second with turn detection off and commits it. */
async function commitSecond(client: SocketClient): Promise<void> {
  client.send({ type: 'transcription_session.update', session: { turn_detection: null } });
  await client.next('transcription_session.updated');
  for (const event of appendEvents(second, RATE)) client.send(event);
  client.send({ type: 'input_audio_buffer.commit' });
  await client.next('input_audio_buffer.committed');
}

async function metric(url: string, pattern: RegExp): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => pattern.test(candidate));
  return line === undefined ? null : Number(line.split(' ').pop());
}

describe('API keys on the realtime socket', () => {
  it('refuses an upgrade without a valid key with 401, and takes the key from a header, the subprotocol or the query', async () => {
    const { server } = await start({ server: { apiKeys: ['secret-key'] } });
    const url = socketUrl(server.url, PATH);
    const missing = await refusal(url);
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.body).toEqual({
      error: {
        message: expect.stringContaining('API key'),
        type: 'authentication_error',
        param: null,
        code: 'unauthorized',
      },
    });
    expect((await refusal(url, { protocols: ['openai-insecure-api-key.wrong-key'] })).status).toBe(
      401,
    );

    const viaProtocol = await connect(url, {
      protocols: ['realtime', 'openai-insecure-api-key.secret-key'],
    });
    // The real subprotocol is chosen, so the key is not echoed back.
    expect(viaProtocol.protocol).toBe('realtime');
    await viaProtocol.next('session.created');
    await viaProtocol.close();

    const viaQuery = await connect(`${url}&api_key=secret-key`);
    await viaQuery.next('session.created');
    await viaQuery.close();

    const viaHeader = await connect(url, { headers: { authorization: 'Bearer secret-key' } });
    await viaHeader.next('session.created');
    await viaHeader.close();
    // The key never reaches the logs, nor does the query string.
    expect(server.logText()).not.toContain('secret-key');
  });
});

describe('refusals before the upgrade', () => {
  it('answers a plain GET with 426, a bad query with 400 and an unknown model with 404', async () => {
    const { server } = await start();
    const plain = await fetch(`${server.url}${PATH}`);
    expect(plain.status).toBe(426);
    expect(plain.headers.get('upgrade')).toBe('websocket');
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe(
      'upgrade_required',
    );
    const noIntent = await refusal(socketUrl(server.url, '/v1/realtime'));
    expect(noIntent.status).toBe(400);
    expect(noIntent.body.error).toMatchObject({ param: 'intent', code: 'invalid_request' });
    const unknown = await refusal(socketUrl(server.url, `${PATH}&model=no-such-model`));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    // A model named in the URL is the session's model.
    const named = await connect(socketUrl(server.url, `${PATH}&model=whisper-1`));
    const created = await named.next('transcription_session.created');
    expect(created['session']).toMatchObject({
      input_audio_transcription: { model: 'whisper-1' },
    });
    await named.close();
  });

  it('holds at most server.maxSockets sessions and refuses more with 429 and Retry-After', async () => {
    const { server } = await start({ server: { maxSockets: 1 } });
    const url = socketUrl(server.url, PATH);
    const first = await connect(url);
    const full = await refusal(url);
    expect(full.status).toBe(429);
    expect(full.headers['retry-after']).toBe('5');
    expect(full.body.error).toMatchObject({ code: 'overloaded', type: 'rate_limit_error' });
    await first.close();
    // The place is free once the server has seen the connection close.
    const open = /^earshot_websocket_connections\{route="\/v1\/realtime"\}/;
    while ((await metric(server.url, open)) !== 0) await new Promise((r) => setTimeout(r, 10));
    const second = await connect(url);
    await second.next('session.created');
    await second.close();
  });

  it('applies the per-key rate limit to upgrades', async () => {
    const { server } = await start({ server: { rateLimitPerMinute: 1 } });
    const url = socketUrl(server.url, PATH);
    const first = await connect(url);
    const limited = await refusal(url);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    await first.close();
  });
});

describe('dead peers', () => {
  it('cuts a connection that stops answering pings and keeps one that answers', async () => {
    const clock = new ManualClock();
    const { server } = await start({ clock });
    const url = socketUrl(server.url, PATH);
    const silent = await connect(url, { autoPong: false });
    const lively = await connect(url);
    await silent.next('session.created');
    await lively.next('session.created');
    /** Resolves once the server has handled everything `client` sent so far (a pong included). */
    const roundTrip = async (client: SocketClient) => {
      const from = client.events.length;
      client.send({ type: 'input_audio_buffer.commit' });
      await client.next('error', from);
    };
    const pinged = new Promise((resolve) => lively.socket.once('ping', resolve));
    clock.advance(30_000);
    await pinged;
    await roundTrip(lively);
    clock.advance(30_000);
    expect((await silent.closed).code).toBe(1006);
    await roundTrip(lively);
    await lively.close();
  });
});

describe('realtime sessions in metrics and logs', () => {
  it('counts sockets, sessions, error events and audio, and logs each session without content', async () => {
    const { server } = await start();
    const client = await connect(socketUrl(server.url, PATH));
    client.send('not json');
    await client.next('error');
    await commitSecond(client);
    await client.next('conversation.item.input_audio_transcription.completed');
    const route = 'route="/v1/realtime"';
    expect(
      await metric(server.url, new RegExp(`^earshot_websocket_connections\\{${route}\\}`)),
    ).toBe(1);
    expect(
      await metric(server.url, new RegExp(`^earshot_websocket_sessions_total\\{${route}\\}`)),
    ).toBe(1);
    expect(
      await metric(
        server.url,
        new RegExp(`^earshot_websocket_errors_total\\{${route},code="invalid_json"\\}`),
      ),
    ).toBe(1);
    expect(
      await metric(
        server.url,
        /^earshot_audio_seconds_processed_total\{model="scripted\/base",task="realtime"\}/,
      ),
    ).toBeCloseTo(1, 1);
    await client.close();
    while (!server.logs.some((line) => line['msg'] === 'socket closed'))
      await new Promise((r) => setTimeout(r, 10));
    const closed = server.logs.find((line) => line['msg'] === 'socket closed');
    expect(closed).toMatchObject({ route: '/v1/realtime', code: 1000, received: 13 });
    expect(server.logText()).not.toContain('Hello world');
  });
});

describe('graceful shutdown with realtime sessions', () => {
  it('finishes committed turns, refuses new audio, then closes the socket with 1001', async () => {
    const gate = new Gate();
    const model = new ScriptedWhisperModel('scripted/base', { gate });
    server = await startServer({ models: { 'scripted/base': model } });
    const client = await connect(socketUrl(server.url, PATH));
    await commitSecond(client);
    await gate.arrived(1);
    const closing = server.server.close(30);
    const from = client.events.length;
    client.send(appendEvents(second, RATE)[0] as Record<string, unknown>);
    expect((await client.next('error', from))['error']).toMatchObject({
      code: 'server_shutting_down',
      type: 'server_error',
    });
    gate.open();
    const done = await client.next('conversation.item.input_audio_transcription.completed');
    expect(done['transcript']).toBe(model.sentence);
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    await closing;
    expect(model.closed).toBe(true);
    server = null;
  });

  it('cancels a turn still running when the grace period ends: failed, then 1001', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const model = new ScriptedWhisperModel('scripted/base', { gate });
    server = await startServer({ models: { 'scripted/base': model }, clock });
    const client = await connect(socketUrl(server.url, PATH));
    await commitSecond(client);
    await gate.arrived(1);
    const closing = server.server.close(5);
    clock.advance(5_000);
    const failed = await client.next('conversation.item.input_audio_transcription.failed');
    expect(failed['error']).toEqual({
      type: 'server_error',
      code: 'server_shutting_down',
      message: expect.stringContaining('shutting down'),
      param: null,
    });
    expect((await client.closed).code).toBe(1001);
    await closing;
    expect(model.closed).toBe(true);
    server = null;
  });
});
