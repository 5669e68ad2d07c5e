import { request } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { presentedKey } from '../../src/server/plugins/auth.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { Gate, ScriptedWhisperModel } from '../helpers/scripted-model.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { tone } from '../helpers/signals.js';
import { writeWav } from '../helpers/wav-writer.js';

const clip = writeWav([tone(440, 16_000, 1, 0.3)], { encoding: 's16', sampleRate: 16_000 });

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function transcribe(headers: Record<string, string> = {}, model = 'whisper-1') {
  const form = new FormData();
  form.append('file', new Blob([clip], { type: 'audio/wav' }), 'clip.wav');
  form.append('model', model);
  return fetch(`${server?.url}/v1/audio/transcriptions`, { method: 'POST', body: form, headers });
}

/** Resolves when the model's queue holds `count` waiting requests. */
function queued(target: TestServer, model: string, count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (target.server.context.admission.state(model).queued >= count) resolve();
    };
    target.server.context.admission.onChange(check);
    check();
  });
}

describe('per-model concurrency with a bounded queue', () => {
  it('runs one request, queues one, refuses the third with 429 and Retry-After, then serves both', async () => {
    const gate = new Gate();
    server = await startServer({
      models: { 'scripted/base': new ScriptedWhisperModel('scripted/base', { gate }) },
      server: { modelConcurrency: 1, queueLength: 1 },
    });
    const running = transcribe();
    await gate.arrived(1);
    const waiting = transcribe();
    await queued(server, 'scripted/base', 1);

    const refused = await transcribe();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({
      error: {
        message: expect.stringContaining('busy'),
        type: 'rate_limit_error',
        param: null,
        code: 'overloaded',
      },
    });

    // An upload that arrives while the model is saturated is refused before its body is read.
    const early = await new Promise<{ status: number; connection: string | undefined }>(
      (resolve) => {
        const outgoing = request(
          `${server?.url}/v1/audio/transcriptions`,
          {
            method: 'POST',
            headers: {
              'content-type': 'multipart/form-data; boundary=x',
              'content-length': String(20_000_000),
            },
          },
          (response) => {
            response.resume();
            resolve({ status: response.statusCode ?? 0, connection: response.headers.connection });
            outgoing.destroy();
          },
        );
        // The body is never finished: the answer must not wait for it.
        outgoing.on('error', () => {});
        outgoing.write(Buffer.alloc(1024));
      },
    );
    expect(early).toEqual({ status: 429, connection: 'close' });

    gate.open();
    expect((await running).status).toBe(200);
    expect((await waiting).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain(
      'earshot_http_requests_total{method="POST",route="/v1/audio/transcriptions",status="429"} 2',
    );
    expect(metrics).toContain('earshot_model_queue_depth{model="scripted/base"} 0');
  });

  it('counts limits per model: a busy model does not block another', async () => {
    const gate = new Gate();
    server = await startServer({
      models: {
        'scripted/slow': new ScriptedWhisperModel('scripted/slow', { gate }),
        'scripted/free': new ScriptedWhisperModel('scripted/free'),
      },
      server: { modelConcurrency: 1, queueLength: 0 },
    });
    const blocked = transcribe({}, 'scripted/slow');
    await gate.arrived(1);
    expect((await transcribe({}, 'scripted/slow')).status).toBe(429);
    expect((await transcribe({}, 'scripted/free')).status).toBe(200);
    gate.open();
    expect((await blocked).status).toBe(200);
  });

  it('gives up on a request that waits past the request timeout with 408', async () => {
    const gate = new Gate();
    server = await startServer({
      models: { 'scripted/base': new ScriptedWhisperModel('scripted/base', { gate }) },
      server: { requestTimeoutS: 0.2 },
    });
    const response = await transcribe();
    expect(response.status).toBe(408);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'request_timeout',
    );
    expect(server.server.context.admission.state('scripted/base')).toEqual({
      active: 0,
      queued: 0,
    });
  });
});

describe('rate limits per API key', () => {
  it('allows the per-minute allowance per key, then answers 429 rate_limited until tokens return', async () => {
    const clock = new ManualClock();
    server = await startServer({
      models: { 'scripted/base': new ScriptedWhisperModel('scripted/base') },
      server: { apiKeys: ['alpha', 'beta'], rateLimitPerMinute: 2 },
      clock,
    });
    const models = (key: string) =>
      fetch(`${server?.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect((await models('alpha')).status).toBe(200);
    expect((await models('alpha')).status).toBe(200);
    const limited = await models('alpha');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await models('beta')).status).toBe(200);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    clock.advance(30_000);
    expect((await models('alpha')).status).toBe(200);
  });
});

describe('API keys', () => {
  it('requires a key as Bearer token or X-API-Key, except on health checks and docs', async () => {
    server = await startServer({
      models: { 'scripted/base': new ScriptedWhisperModel('scripted/base') },
      server: { apiKeys: ['s3cret-key'] },
    });
    const missing = await fetch(`${server.url}/v1/models`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.json()).toEqual({
      error: {
        message: expect.stringContaining('API key is required'),
        type: 'authentication_error',
        param: null,
        code: 'unauthorized',
      },
    });
    const wrong = await fetch(`${server.url}/v1/models`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect((await transcribe({ authorization: 'Bearer s3cret-key' })).status).toBe(200);
    expect((await transcribe({ 'x-api-key': 's3cret-key' })).status).toBe(200);
    const bazarr = await fetch(`${server.url}/status`);
    expect(bazarr.status).toBe(401);
    expect(await bazarr.json()).toEqual({ detail: expect.any(String), code: 'unauthorized' });
    for (const open of ['/health', '/ready', '/docs/json'])
      expect((await fetch(`${server.url}${open}`)).status).toBe(200);
    expect(server.logText()).not.toContain('s3cret-key');
  });

  it('reads the key of a WebSocket handshake from the subprotocol or the query', () => {
    const request = (headers: Record<string, string>, query: Record<string, string> = {}) =>
      ({ headers, query }) as unknown as FastifyRequest;
    const upgrade = { upgrade: 'websocket' };
    expect(
      presentedKey(
        request({
          ...upgrade,
          'sec-websocket-protocol': 'realtime, openai-insecure-api-key.s3cret-key',
        }),
      ),
    ).toBe('s3cret-key');
    expect(presentedKey(request(upgrade, { api_key: 's3cret-key' }))).toBe('s3cret-key');
    // Plain HTTP requests must use headers: query strings end up in logs and browser history.
    expect(presentedKey(request({}, { api_key: 's3cret-key' }))).toBeNull();
    expect(presentedKey(request({ authorization: 'Bearer  s3cret-key ' }))).toBe('s3cret-key');
    expect(presentedKey(request({ authorization: 'Basic czNjcmV0' }))).toBeNull();
  });
});

describe('CORS', () => {
  it('answers allowed origins and leaves others without CORS headers', async () => {
    server = await startServer({
      models: { 'scripted/base': new ScriptedWhisperModel('scripted/base') },
      server: { corsOrigins: ['https://app.example'] },
    });
    const preflight = await fetch(`${server.url}/v1/audio/transcriptions`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const allowed = await fetch(`${server.url}/v1/models`, {
      headers: { origin: 'https://app.example' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await fetch(`${server.url}/v1/models`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
