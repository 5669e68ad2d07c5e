/**
 * `POST /v1/audio/speech` and `GET /v1/audio/voices` on a started server, called with the real
 * `openai` client where OpenAI's API has the call: eSpeak NG for real, Piper and Kokoro on tiny
 * fixture models.
 */
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIO_OUTPUT_FORMATS, type AudioOutputFormat } from '../../src/audio/encode.js';
import { loadAudio } from '../../src/audio/load.js';
import type { SpeechModelSource } from '../../src/server/types.js';
import { createSpeechModel } from '../../src/tts/registry.js';
import { neuralConfig, testPool, useNeuralVoices } from '../helpers/neural-voices.js';
import { recording } from '../helpers/recording-model.js';
import { startServer, type TestServer } from '../helpers/server.js';

const voices = useNeuralVoices();
const TEXT = 'Earshot speaks as well as it listens. Every sentence is sent when it is ready.';
const SENTENCES = [
  'Earshot speaks as well as it listens.',
  'Every sentence is sent when it is ready.',
];

/** Lets the test hold back the synthesis of the last sentence until it says so. */
let gate: { wait: Promise<void>; open: () => void } | null = null;
const events: string[] = [];

let server: TestServer;
let client: OpenAI;

beforeAll(async () => {
  const speech: SpeechModelSource = async (name) => {
    const model = await createSpeechModel(name, {
      config: neuralConfig,
      store: voices.store(),
      sessions: testPool,
    });
    const recorded = recording(model, events);
    return {
      ...recorded,
      doSynthesize: async (options) => {
        if (gate && options.text === SENTENCES[1]) await gate.wait;
        return recorded.doSynthesize(options);
      },
    };
  };
  server = await startServer({ models: ['unused-transcription-model'], speech });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  await testPool.close();
});

function holdLastSentence(): () => void {
  let open: () => void = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  gate = { wait, open };
  events.length = 0;
  return () => {
    open();
    gate = null;
  };
}

/** The rate a format decodes at for audio made at `rate` (Opus always decodes at 48 kHz). */
const decodedRate = (format: AudioOutputFormat, rate: number) => (format === 'opus' ? 48000 : rate);

const CONTENT_TYPES: Record<AudioOutputFormat, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

async function decode(bytes: Buffer, format: AudioOutputFormat, rate: number) {
  return loadAudio(bytes, {
    sampleRate: 'source',
    ...(format === 'pcm' ? { raw: { sampleRate: rate, channels: 1 } } : {}),
  });
}

/** Server-sent events of a response body, parsed. */
function parseEvents(text: string): Record<string, unknown>[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => JSON.parse(block.slice('data: '.length)) as Record<string, unknown>);
}

describe('POST /v1/audio/speech through the openai client', () => {
  it.each(AUDIO_OUTPUT_FORMATS)(
    'speaks %s that decodes back at the voice rate with speech of the expected length',
    async (format) => {
      const response = await client.audio.speech.create({
        model: 'tts-1',
        voice: 'alloy',
        input: TEXT,
        response_format: format,
      });
      expect(response.headers.get('content-type')).toBe(CONTENT_TYPES[format]);
      const decoded = await decode(Buffer.from(await response.arrayBuffer()), format, 22050);
      expect(decoded.sampleRate).toBe(decodedRate(format, 22050));
      // eSpeak NG says 14–17 characters a second at its normal rate.
      expect(decoded.durationS).toBeGreaterThan((TEXT.length / 15.5) * 0.6);
      expect(decoded.durationS).toBeLessThan((TEXT.length / 15.5) * 1.6);
    },
  );

  it('speaks with Piper and Kokoro models named in the request, at their voices’ rates', async () => {
    const piper = await client.audio.speech.create({
      model: `piper:${voices.piperFolder()}`,
      voice: 'en_US-danny-low',
      input: 'Piper speaks here.',
      response_format: 'wav',
    });
    expect((await decode(Buffer.from(await piper.arrayBuffer()), 'wav', 16000)).sampleRate).toBe(
      16000,
    );
    const kokoro = await client.audio.speech.create({
      model: `kokoro:${voices.kokoroFolder()}`,
      voice: 'nova',
      input: 'Kokoro speaks here.',
      response_format: 'flac',
      speed: 1.5,
    });
    const decoded = await decode(Buffer.from(await kokoro.arrayBuffer()), 'flac', 24000);
    expect(decoded.sampleRate).toBe(24000);
    expect(decoded.durationS).toBeGreaterThan(0.1);
  });

  it('streams the first sentence before the next one is synthesised', async () => {
    const release = holdLastSentence();
    try {
      const response = await client.audio.speech.create({
        model: 'tts-1',
        voice: 'nova',
        input: TEXT,
        response_format: 'pcm',
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      // The first sentence's audio arrived while the second is still held back.
      expect(first.done).toBe(false);
      expect(events.filter((event) => event === `start ${SENTENCES[1]}`)).toHaveLength(0);
      release();
      let bytes = first.value?.length ?? 0;
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        bytes += next.value.length;
      }
      expect(bytes / 2 / 22050).toBeGreaterThan(2);
    } finally {
      release();
    }
  });

  it('streams server-sent events: speech.audio.delta chunks, then speech.audio.done', async () => {
    const release = holdLastSentence();
    try {
      const response = await client.audio.speech.create({
        model: 'gpt-4o-mini-tts',
        voice: 'coral',
        input: TEXT,
        response_format: 'mp3',
        stream_format: 'sse',
      });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      while (!text.includes('speech.audio.delta')) {
        const next = await reader.read();
        expect(next.done).toBe(false);
        text += new TextDecoder().decode(next.value);
      }
      expect(events.filter((event) => event === `start ${SENTENCES[1]}`)).toHaveLength(0);
      release();
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        text += new TextDecoder().decode(next.value);
      }
      const received = parseEvents(text);
      const deltas = received.filter((event) => event['type'] === 'speech.audio.delta');
      expect(deltas.length).toBeGreaterThan(1);
      expect(received.at(-1)).toEqual({
        type: 'speech.audio.done',
        usage: { input_tokens: TEXT.length, output_tokens: 0, total_tokens: TEXT.length },
      });
      const audio = Buffer.concat(
        deltas.map((event) => Buffer.from(event['audio'] as string, 'base64')),
      );
      const decoded = await decode(audio, 'mp3', 22050);
      expect(decoded.sampleRate).toBe(22050);
      expect(decoded.durationS).toBeGreaterThan(2);
    } finally {
      release();
    }
  });
});

describe('GET /v1/audio/voices', () => {
  it('lists the voices of the default engine, or of the model asked for', async () => {
    const espeak = (await (await fetch(`${server.url}/v1/audio/voices`)).json()) as {
      object: string;
      model: string;
      data: { id: string; languages: string[] }[];
    };
    expect(espeak.object).toBe('list');
    expect(espeak.model).toBe('espeak-ng:espeak-ng');
    expect(espeak.data).toContainEqual(expect.objectContaining({ id: 'pl', languages: ['pl'] }));
    const model = encodeURIComponent(`piper:${voices.piperFolder()}`);
    const piper = (await (await fetch(`${server.url}/v1/audio/voices?model=${model}`)).json()) as {
      data: { id: string }[];
    };
    expect(piper.data.map((voice) => voice.id)).toContain('pl_PL-gosia-medium');
  });
});

describe('bad speech requests', () => {
  async function refusal(body: Record<string, unknown>) {
    const response = await fetch(`${server.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { error: Record<string, unknown> },
    };
  }

  it.each([
    ['empty text', 400, 'speech_text_empty', null, { input: '' }],
    ['nothing to say', 400, 'speech_text_empty', null, { input: '🙂 *** <br>' }],
    ['text over the limit', 400, 'speech_text_too_long', null, { input: 'a'.repeat(4097) }],
    ['an unknown voice', 400, 'speech_voice_not_found', null, { input: 'Hi.', voice: 'nosuch' }],
    ['an unknown model', 404, 'model_not_found', null, { input: 'Hi.', model: 'nosuchmodel' }],
    [
      'an unsupported format',
      400,
      'invalid_parameter',
      'response_format',
      { input: 'Hi.', response_format: 'ogg' },
    ],
    ['too fast a speed', 400, 'invalid_parameter', 'speed', { input: 'Hi.', speed: 5 }],
    ['too slow a speed', 400, 'invalid_parameter', 'speed', { input: 'Hi.', speed: 0.1 }],
    ['no text at all', 400, 'invalid_request', 'input', { voice: 'alloy' }],
  ] as const)(
    'answers %s with %i %s in OpenAI’s error shape',
    async (_name, status, code, param, body) => {
      const refused = await refusal({ model: 'tts-1', ...body });
      expect(refused.status).toBe(status);
      expect(refused.body.error).toMatchObject({ code, param, type: 'invalid_request_error' });
      expect(refused.body.error['message']).toEqual(expect.any(String));
    },
  );

  it('reaches the openai client as an APIError with the status and code', async () => {
    const error = await client.audio.speech
      .create({ model: 'tts-1', voice: 'alloy', input: '', response_format: 'mp3' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 400, code: 'speech_text_empty' });
  });

  it('documents both routes in the OpenAPI document', async () => {
    const document = (await (await fetch(`${server.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(document.paths['/v1/audio/speech'] ?? {})).toContain('post');
    expect(Object.keys(document.paths['/v1/audio/voices'] ?? {})).toContain('get');
  });
});
