import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeAudio } from '../../src/audio/encode.js';
import { multipart, type Part } from '../helpers/multipart.js';
import { ScriptedWhisperModel } from '../helpers/scripted-model.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { tone } from '../helpers/signals.js';
import { writeWav } from '../helpers/wav-writer.js';

const clip = writeWav([tone(440, 16_000, 1, 0.3)], { encoding: 's16', sampleRate: 16_000 });
const ENDPOINT = '/v1/audio/transcriptions';

let server: TestServer;
let flac: Buffer;

beforeAll(async () => {
  server = await startServer({
    models: { 'scripted/base': new ScriptedWhisperModel('scripted/base') },
    server: { uploadLimitMb: 25 },
  });
  flac = await encodeAudio(tone(440, 16_000, 2, 0.3), 16_000, 'flac');
});

afterAll(async () => {
  await server?.close();
});

// The server must survive every bad request: each test ends by checking that it still answers.
afterEach(async () => {
  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
});

async function post(parts: Part[], path = ENDPOINT) {
  const { body, contentType } = multipart(parts);
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const json = (await response.json()) as { error: { message: string; type: string } };
  return { status: response.status, body: json, headers: response.headers };
}

const audioPart = (data: Buffer = clip, filename = 'clip.wav'): Part => ({
  name: 'file',
  filename,
  contentType: 'audio/wav',
  data,
});

function openAiError(code: string, param: string | null) {
  return {
    error: { message: expect.any(String), type: 'invalid_request_error', param, code },
  };
}

describe('bad requests get a 4xx in the documented shape', () => {
  it('no file', async () => {
    const response = await post([{ name: 'model', data: 'whisper-1' }]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(openAiError('invalid_request', 'file'));
    expect(response.body.error.message).toBe("Missing required parameter: 'file'.");
  });

  it('a file field sent as text instead of a file', async () => {
    const response = await post([{ name: 'file', data: 'not a file' }]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(openAiError('invalid_request', 'file'));
  });

  it('a zero-byte file', async () => {
    const response = await post([audioPart(Buffer.alloc(0))]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(openAiError('audio_empty', null));
  });

  it('corrupt audio', async () => {
    const garbage = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 251));
    const corrupt = Buffer.concat([flac.subarray(0, 4), garbage]);
    const response = await post([audioPart(corrupt, 'clip.flac')]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(openAiError('audio_corrupt', null));
  });

  it('a file that is not audio', async () => {
    const text = Buffer.from('Meeting notes: nothing to transcribe here. '.repeat(10));
    const response = await post([audioPart(text, 'notes.wav')]);
    expect(response.status).toBe(415);
    expect(response.body).toEqual(openAiError('audio_unsupported_format', null));
  });

  it.each([
    ['application/json', JSON.stringify({ file: 'clip.wav', model: 'whisper-1' })],
    ['text/plain', 'hello'],
    ['audio/wav', clip],
  ])('a %s body instead of multipart/form-data', async (contentType, body) => {
    const response = await fetch(`${server.url}${ENDPOINT}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual(openAiError('unsupported_media_type', null));
  });

  it('a 30 MB upload (limit 25 MB)', async () => {
    const big = Buffer.alloc(30_000_000, 1);
    const form = new FormData();
    form.append('model', 'whisper-1');
    form.append('file', new Blob([big], { type: 'audio/wav' }), 'big.wav');
    const response = await fetch(`${server.url}${ENDPOINT}`, { method: 'POST', body: form });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(openAiError('payload_too_large', 'file'));
  });

  it('an unknown model', async () => {
    const response = await post([audioPart(), { name: 'model', data: 'whisper-large-v9' }]);
    expect(response.status).toBe(404);
    expect(response.body).toEqual(openAiError('model_not_found', 'model'));
  });

  it.each([
    ['response_format', 'xml'],
    ['timestamp_granularities[]', 'sentence'],
    ['include[]', 'everything'],
    ['temperature', 'hot'],
    ['temperature', '1.5'],
    ['beam_size', '0'],
    ['stream', 'perhaps'],
    ['chunking_strategy', 'manual'],
    ['chunking_strategy[threshold]', '2'],
  ])('a bad value for %s (%s)', async (name, value) => {
    const response = await post([audioPart(), { name, data: value }]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(openAiError('invalid_parameter', name));
  });

  it('an unknown language', async () => {
    const response = await post([audioPart(), { name: 'language', data: 'klingon' }]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(openAiError('invalid_parameter', 'language'));
  });

  it.each(['prompt', 'language', 'model'])('invalid UTF-8 in the %s field', async (name) => {
    const response = await post([
      audioPart(),
      { name, data: Buffer.from([0x48, 0x69, 0xff, 0xfe, 0x21]) },
    ]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(openAiError('invalid_parameter', name));
    expect(response.body.error.message).toContain('not valid UTF-8');
  });

  it('invalid UTF-8 in a query parameter', async () => {
    const { body, contentType } = multipart([
      { name: 'audio_file', filename: 'audio_file', data: clip },
    ]);
    const response = await fetch(`${server.url}/asr?initial_prompt=caf%E9&output=srt`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      detail: "The query parameter 'initial_prompt' is not valid UTF-8.",
      code: 'invalid_parameter',
    });
  });

  it('invalid percent-encoding in the path', async () => {
    const response = await fetch(`${server.url}/v1/models/%FF%FE`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(openAiError('invalid_request', null));
  });

  it('a multipart body that ends in the middle', async () => {
    const { body, contentType } = multipart([audioPart()]);
    const response = await fetch(`${server.url}${ENDPOINT}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: body.subarray(0, 2000),
    });
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: { type: string } };
    expect(json.error.type).toBe('invalid_request_error');
  });

  it('an unknown route under /v1', async () => {
    const response = await fetch(`${server.url}/v1/audio/karaoke`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(openAiError('not_found', null));
  });
});
