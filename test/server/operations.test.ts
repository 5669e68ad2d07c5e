import { afterEach, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { ScriptedWhisperModel } from '../helpers/scripted-model.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { tone } from '../helpers/signals.js';
import { writeWav } from '../helpers/wav-writer.js';

const clip = writeWav([tone(440, 16_000, 1.5, 0.3)], { encoding: 's16', sampleRate: 16_000 });
const SECRET_SENTENCE = 'The vault code is four seven one one.';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('health and readiness', () => {
  it('is live, and ready once every configured model loads', async () => {
    server = await startServer({
      models: { 'scripted/base': new ScriptedWhisperModel('scripted/base') },
    });
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      models: [{ id: 'scripted/base', ready: true }],
    });
  });

  it('is not ready (503, with the reason) while a configured model cannot load', async () => {
    let broken = true;
    server = await startServer({
      models: {
        'scripted/base': new ScriptedWhisperModel('scripted/base'),
        'scripted/missing': async () => {
          if (broken)
            throw new ModelError('model_file_missing', 'onnx/encoder_model.onnx is missing');
          return new ScriptedWhisperModel('scripted/missing');
        },
      },
    });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'unavailable',
      models: [
        { id: 'scripted/base', ready: true },
        {
          id: 'scripted/missing',
          ready: false,
          error: { code: 'model_file_missing', message: 'onnx/encoder_model.onnx is missing' },
        },
      ],
    });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    broken = false;
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
  });
});

describe('metrics', () => {
  it('counts requests, latency, audio seconds, queue depth and model load time', async () => {
    server = await startServer({
      models: { 'scripted/base': new ScriptedWhisperModel('scripted/base') },
    });
    const form = new FormData();
    form.append('file', new Blob([clip]), 'clip.wav');
    expect(
      (await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form })).status,
    ).toBe(200);
    await fetch(`${server.url}/nowhere`);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const metrics = await response.text();
    expect(metrics).toContain(
      'earshot_http_requests_total{method="POST",route="/v1/audio/transcriptions",status="200"} 1',
    );
    expect(metrics).toContain(
      'earshot_http_requests_total{method="GET",route="unmatched",status="404"} 1',
    );
    expect(metrics).toMatch(
      /earshot_http_request_duration_seconds_count\{method="POST",route="\/v1\/audio\/transcriptions"\} 1/,
    );
    expect(metrics).toContain(
      'earshot_audio_seconds_processed_total{model="scripted/base",task="transcribe"} 1.5',
    );
    expect(metrics).toContain('earshot_model_queue_depth{model="scripted/base"} 0');
    expect(metrics).toContain('earshot_model_active_requests{model="scripted/base"} 0');
    expect(metrics).toMatch(
      /earshot_model_load_seconds_count\{model="scripted\/base",outcome="ok"\} 1/,
    );
    expect(metrics).toMatch(/earshot_process_resident_memory_bytes \d+/);
  });
});

describe('request logging', () => {
  it('logs one line per request with route and status, and no content', async () => {
    server = await startServer({
      models: {
        'scripted/base': new ScriptedWhisperModel('scripted/base', { sentence: SECRET_SENTENCE }),
      },
    });
    const form = new FormData();
    form.append('file', new Blob([clip]), 'private-meeting.wav');
    form.append('prompt', 'Confidential prompt words');
    form.append('response_format', 'text');
    const response = await fetch(`${server.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: form,
    });
    expect(await response.text()).toBe(`${SECRET_SENTENCE}\n`);
    await fetch(`${server.url}/asr?initial_prompt=Secret%20names&output=txt`, { method: 'POST' });
    const lines = server.logs.filter((line) => line['msg'] === 'request');
    expect(
      lines.map(({ method, route, path, status }) => ({ method, route, path, status })),
    ).toEqual([
      {
        method: 'POST',
        route: '/v1/audio/transcriptions',
        path: '/v1/audio/transcriptions',
        status: 200,
      },
      { method: 'POST', route: '/asr', path: '/asr', status: 415 },
    ]);
    expect(typeof lines[0]?.['ms']).toBe('number');
    const text = server.logText();
    for (const content of ['vault code', 'Confidential', 'private-meeting', 'Secret'])
      expect(text).not.toContain(content);
  });
});

describe('API documentation', () => {
  it('publishes an OpenAPI document for every route and Swagger UI at /docs', async () => {
    server = await startServer({
      models: { 'scripted/base': new ScriptedWhisperModel('scripted/base') },
    });
    const document = (await (await fetch(`${server.url}/docs/json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/asr',
        '/detect-language',
        '/health',
        '/metrics',
        '/ready',
        '/status',
        '/v1/audio/speech',
        '/v1/audio/transcriptions',
        '/v1/audio/translations',
        '/v1/audio/voices',
        '/v1/models',
        '/v1/models/{id}',
        '/v1/models/{owner}/{name}',
        '/v1/realtime',
        '/v1/stream',
      ].sort(),
    );
    const upload = document.paths['/v1/audio/transcriptions']?.['post']?.requestBody?.content;
    expect(upload?.['multipart/form-data']).toMatchObject({
      schema: {
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary' } },
      },
    });
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    // Every asset comes from this server: the page works offline.
    expect(html).not.toMatch(/src="https?:\/\//);
    expect((await fetch(`${server.url}/`, { redirect: 'manual' })).headers.get('location')).toBe(
      '/docs',
    );
  });
});
