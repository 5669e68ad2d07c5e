/**
 * `/v1/stream` as an operator sees it: API keys by header, subprotocol and query; refusals before
 * the upgrade; a client that disappears mid-stream frees everything; graceful shutdown finishes
 * the last utterance and closes with 1001; sessions, errors and audio in the metrics.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../src/stream/events.js';
import { checkLiveStream } from '../helpers/live-invariants.js';
import { Gate, ScriptedWhisperModel } from '../helpers/scripted-model.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { tone } from '../helpers/signals.js';
import { connect, pcm16, socketUrl } from '../helpers/socket-client.js';

const MODEL = 'scripted/base';
const PATH = '/v1/stream?drafts=false&vad=false';
const second = pcm16(tone(440, 16_000, 1, 0.3));

let server: TestServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(options: Omit<Parameters<typeof startServer>[0], 'models'> = {}, gate?: Gate) {
  const model = new ScriptedWhisperModel(MODEL, gate ? { gate } : {});
  server = await startServer({ models: { [MODEL]: model }, live: { agreement: 5 }, ...options });
  return { server, model };
}

/** Why an upgrade was refused: the HTTP status and body the server answered with. */
async function refusal(url: string, options: Parameters<typeof connect>[1] = {}) {
  const error = (await connect(url, options).then(
    () => {
      throw new Error('the upgrade was accepted');
    },
    (failure: unknown) => failure,
  )) as { status: number; body: string };
  return { status: error.status, body: JSON.parse(error.body) };
}

async function metric(url: string, pattern: RegExp): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => pattern.test(candidate));
  return line === undefined ? null : Number(line.split(' ').pop());
}

/** Waits until `check` holds, asking again after each round trip to the server. */
async function eventually(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('API keys on the stream socket', () => {
  it('refuses an upgrade without a valid key with 401, and takes it from a header, the subprotocol or the query', async () => {
    const { server } = await start({ server: { apiKeys: ['secret-key'] } });
    const url = socketUrl(server.url, PATH);
    expect((await refusal(url)).status).toBe(401);
    expect((await refusal(`${url}&api_key=wrong-key`)).status).toBe(401);
    const clients = [
      await connect(url, { protocols: ['earshot-live', 'openai-insecure-api-key.secret-key'] }),
      await connect(`${url}&api_key=secret-key`),
      await connect(url, { headers: { 'x-api-key': 'secret-key' } }),
    ];
    // The real subprotocol is chosen, so the key is not echoed back.
    expect(clients[0]?.protocol).toBe('earshot-live');
    for (const client of clients) {
      client.send({ type: 'stream.end' });
      expect((await client.closed).code).toBe(1000);
      expect(client.events.map((event) => event['state'])).toEqual(['started', 'ended']);
    }
    expect(server.logText()).not.toContain('secret-key');
  });
});

describe('refusals before the upgrade', () => {
  it('answers a plain GET with 426, bad options with 400 and an unknown model with 404', async () => {
    const { server } = await start();
    const plain = await fetch(`${server.url}/v1/stream`);
    expect(plain.status).toBe(426);
    expect(plain.headers.get('upgrade')).toBe('websocket');
    const badHoldBack = await refusal(socketUrl(server.url, '/v1/stream?hold_back=99'));
    expect(badHoldBack.status).toBe(400);
    expect(badHoldBack.body.error).toMatchObject({ param: 'hold_back', code: 'invalid_parameter' });
    const badRate = await refusal(socketUrl(server.url, '/v1/stream?sample_rate=100'));
    expect(badRate.body.error).toMatchObject({ param: 'sample_rate' });
    const language = await refusal(socketUrl(server.url, '/v1/stream?language=klingon'));
    expect(language.body.error).toMatchObject({ param: 'language', code: 'invalid_parameter' });
    const unknown = await refusal(socketUrl(server.url, '/v1/stream?draft_model=nope'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ param: 'draft_model', code: 'model_not_found' });
  });

  it('counts stream sockets against server.maxSockets with the realtime ones', async () => {
    const { server } = await start({ server: { maxSockets: 1 } });
    const realtime = await connect(socketUrl(server.url, '/v1/realtime?intent=transcription'));
    const full = await refusal(socketUrl(server.url, PATH));
    expect(full.status).toBe(429);
    expect(full.body.error.code).toBe('overloaded');
    await realtime.close();
  });
});

describe('a client that disconnects mid-stream', () => {
  it('frees its session: the pass in progress is cancelled, the model is idle and the server healthy', async () => {
    const gate = new Gate();
    const { server, model } = await start({}, gate);
    const client = await connect(socketUrl(server.url, PATH));
    client.send(second);
    client.send(second);
    // A confirm pass is running (held at the gate) when the client vanishes without a close.
    await gate.arrived(1);
    expect(server.server.context.sockets.active).toBe(1);
    const active = new RegExp(`^earshot_model_active_requests\\{model="${MODEL}"\\}`);
    expect(await metric(server.url, active)).toBe(1);
    client.socket.terminate();
    const open = /^earshot_websocket_connections\{route="\/v1\/stream"\}/;
    await eventually(async () => (await metric(server.url, open)) === 0);
    // No session is left and no pass runs or waits for nobody.
    expect(server.server.context.sockets.active).toBe(0);
    await eventually(async () => (await metric(server.url, active)) === 0);
    expect(
      await metric(server.url, new RegExp(`^earshot_model_queue_depth\\{model="${MODEL}"\\}`)),
    ).toBe(0);
    const passes = model.transcriptions;
    gate.open();
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
    // The cancelled pass never went on to transcribe, and the shared model is still loaded.
    expect(model.transcriptions).toBe(passes);
    expect(model.closed).toBe(false);
    // A new client gets a working session on the same model.
    const next = await connect(socketUrl(server.url, PATH));
    next.send(second);
    next.send({ type: 'stream.end' });
    expect((await next.closed).code).toBe(1000);
    expect(checkLiveStream(next.events as unknown as LiveEvent[]).finalText).toBe(
      ` ${model.sentence}`,
    );
  });
});

describe('graceful shutdown with stream sessions', () => {
  it('ends the input, sends the last final and the session end, then closes with 1001', async () => {
    const gate = new Gate();
    const { server: started, model } = await start({}, gate);
    const client = await connect(socketUrl(started.url, PATH));
    client.send(second);
    client.send(second);
    await gate.arrived(1);
    const closing = started.server.close(30);
    // Once the sessions are asked to finish, no more audio is taken, and the stream says so.
    await eventually(() => started.server.context.sockets.shuttingDown);
    const from = client.events.length;
    client.send(second);
    expect((await client.next('error', from))['error']).toMatchObject({
      code: 'server_shutting_down',
    });
    gate.open();
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    await closing;
    server = null;
    const events = client.events as unknown as LiveEvent[];
    const facts = checkLiveStream(events);
    // The two seconds sent before the shutdown were transcribed to the end.
    expect(facts.finals.map((final) => [final.reason, final.text])).toEqual([
      ['end', ` ${model.sentence}`],
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'session', state: 'ended', audioS: 2 });
    expect(model.closed).toBe(true);
  });
});

describe('stream sessions in metrics and logs', () => {
  it('counts sessions, error events and audio seconds, and logs each socket without content', async () => {
    const { server, model } = await start();
    const client = await connect(socketUrl(server.url, PATH));
    client.send(second);
    client.send('not json');
    await client.next('error');
    client.send({ type: 'stream.end' });
    expect((await client.closed).code).toBe(1000);
    const route = 'route="/v1/stream"';
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
        new RegExp(`^earshot_audio_seconds_processed_total\\{model="${MODEL}",task="stream"\\}`),
      ),
    ).toBeCloseTo(1, 3);
    await eventually(() => server.logs.some((line) => line['msg'] === 'socket closed'));
    const closed = server.logs.find((line) => line['msg'] === 'socket closed');
    expect(closed).toMatchObject({ route: '/v1/stream', code: 1000, received: 3 });
    expect(server.logText()).not.toContain(model.sentence.split(',')[0]);
  });
});

describe('API documentation', () => {
  it('documents /v1/stream with its options, control messages and live events', async () => {
    const { server } = await start();
    const document = (await (await fetch(`${server.url}/docs/json`)).json()) as {
      paths: Record<string, { get?: { parameters?: Array<{ name: string; in: string }> } }>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const names = document.paths['/v1/stream']?.get?.parameters?.map((p) => `${p.in}:${p.name}`);
    expect(names).toEqual(
      expect.arrayContaining(
        ['language', 'model', 'draft_model', 'drafts', 'hold_back', 'vad', 'sample_rate'].map(
          (name) => `query:${name}`,
        ),
      ),
    );
    const schemas = document.components.schemas;
    expect(Object.keys(schemas['stream.client.stream.configure']?.properties ?? {})).toContain(
      'hold_back',
    );
    expect(schemas['stream.client.stream.end']).toBeDefined();
    for (const type of ['session', 'token', 'confirm', 'diff', 'backtrack', 'final', 'error']) {
      expect(schemas[`live.event.${type}`]?.properties).toHaveProperty('seq');
    }
  });
});
