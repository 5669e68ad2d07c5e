/**
 * `POST /v1/audio/speech` as OpenAI's speech API (every response format, `stream_format` audio
 * or `sse`), and `GET /v1/audio/voices`, the voices a speech model offers. Speech is streamed
 * sentence by sentence as it is synthesised; a request waits for a slot on its model like a
 * transcription does, and stops being synthesised when the client goes away.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { type AudioOutputFormat, audioOutputFormats } from '../../audio/encode.js';
import type { SpeechModel } from '../../tts/speech-model.js';
import { type SpeechChunk, synthesizeEncoded } from '../../tts/synthesize.js';
import { openAiErrorBody, toHttpError } from '../http-errors.js';
import { EVENT_STREAM_HEADERS, EventStream } from '../sse.js';
import type { RouteModule, ServerContext } from '../types.js';
import { errorResponses } from './openai-schemas.js';
import { SpeechBody, speechResponses, VoiceList, VoicesQuery } from './speech-schemas.js';

type Body = Static<typeof SpeechBody>;

/** The name requests for one model queue under (speech models have their own lanes). */
function lane(model: SpeechModel): string {
  return `speech:${model.provider}:${model.modelId}`;
}

/**
 * Starts the synthesis and waits for its first encoded bytes, so that every request error
 * (empty or too long text, unknown voice, speed) is an ordinary HTTP error, not a broken stream.
 */
async function start(
  context: ServerContext,
  request: FastifyRequest,
  model: SpeechModel,
  body: Body,
): Promise<{ first: Buffer | null; rest: AsyncGenerator<Buffer> }> {
  const { config } = context;
  const voice = typeof body.voice === 'string' ? body.voice : body.voice?.id;
  const defaultVoice = voice || config.tts.voice;
  let seconds = 0;
  const audio = synthesizeEncoded(model, body.input, {
    format: body.response_format ?? 'mp3',
    ...(defaultVoice ? { voice: defaultVoice } : {}),
    ...(body.speed === undefined ? {} : { speed: body.speed }),
    ...(body.instructions ? { instructions: body.instructions } : {}),
    maxInputChars: config.tts.maxInputChars,
    ffmpegPath: config.audio.ffmpegPath,
    timeoutS: config.audio.decodeTimeoutS,
    signal: request.cancellation,
    onChunk: (chunk: SpeechChunk) => {
      seconds += chunk.samples.length / chunk.sampleRate;
      for (const warning of chunk.warnings) request.log.warn({ warning }, 'speech warning');
    },
  });
  const counted = async function* (): AsyncGenerator<Buffer> {
    try {
      yield* audio;
    } finally {
      context.metrics.addAudioSeconds(`${model.provider}:${model.modelId}`, 'speech', seconds);
    }
  };
  const rest = counted();
  const first = await rest.next();
  return { first: first.done ? null : first.value, rest };
}

async function* withFirst(first: Buffer | null, rest: AsyncGenerator<Buffer>) {
  if (first) yield first;
  yield* rest;
}

/** `stream_format: audio`: the file's bytes as the response body, as they are encoded. */
function sendAudio(reply: FastifyReply, format: AudioOutputFormat, audio: AsyncGenerator<Buffer>) {
  return reply
    .type(audioOutputFormats[format].mimeType)
    .header(
      'content-disposition',
      `inline; filename="speech.${audioOutputFormats[format].extension}"`,
    )
    .send(Readable.from(audio, { objectMode: false }));
}

/**
 * `stream_format: sse`: `speech.audio.delta` events with base64 chunks of the encoded audio,
 * then `speech.audio.done`. A failure after the stream has started ends it with an error event.
 */
function sendEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  body: Body,
  audio: AsyncGenerator<Buffer>,
): FastifyReply {
  const events = new EventStream();
  reply.headers(EVENT_STREAM_HEADERS).send(events.stream);
  void (async () => {
    try {
      for await (const chunk of audio) {
        events.send({ type: 'speech.audio.delta', audio: chunk.toString('base64') });
      }
      // Earshot has no tokens for speech: the input is counted in characters.
      const characters = [...body.input].length;
      events.send({
        type: 'speech.audio.done',
        usage: { input_tokens: characters, output_tokens: 0, total_tokens: characters },
      });
    } catch (error) {
      const http = toHttpError(error);
      if (http.error.status >= 500) request.log.error({ err: error }, 'speech stream failed');
      events.send({ type: 'error', ...openAiErrorBody(http) });
    } finally {
      events.end();
    }
  })();
  return reply;
}

export const openAiSpeechRoutes: RouteModule = {
  name: 'openai-speech',
  surface: 'openai',
  prefix: '/v1',
  register: async (app, { context }) => {
    app.post(
      '/v1/audio/speech',
      {
        schema: {
          tags: ['OpenAI audio'],
          summary: 'Speak text: audio in mp3, opus, aac, flac, wav or pcm, or server-sent events',
          body: SpeechBody,
          response: { ...speechResponses, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { body } = request;
        const model = await context.speech(body.model);
        const release = await context.admission.acquire(lane(model), request.cancellation);
        // The slot is held until the response is over (finished, failed or abandoned).
        let held = true;
        const free = () => {
          if (held) release();
          held = false;
        };
        reply.raw.once('close', free);
        try {
          const { first, rest } = await start(context, request, model, body);
          const audio = withFirst(first, rest);
          if (body.stream_format === 'sse') return sendEvents(request, reply, body, audio);
          return sendAudio(reply, body.response_format ?? 'mp3', audio);
        } catch (error) {
          free();
          throw error;
        }
      },
    );
    app.get(
      '/v1/audio/voices',
      {
        schema: {
          tags: ['OpenAI audio'],
          summary: 'List the voices of a speech model (Earshot)',
          querystring: VoicesQuery,
          response: { 200: VoiceList, ...errorResponses },
        },
      },
      async (request) => {
        const model = await context.speech(request.query.model);
        const voices = await model.voices();
        return {
          object: 'list' as const,
          model: `${model.provider}:${model.modelId}`,
          data: voices.map((voice) => ({
            id: voice.id,
            name: voice.name,
            languages: [...voice.languages],
            ...(voice.gender ? { gender: voice.gender } : {}),
          })),
        };
      },
    );
  },
};
