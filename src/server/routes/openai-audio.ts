/**
 * `POST /v1/audio/transcriptions` and `POST /v1/audio/translations`, as OpenAI's audio API:
 * multipart uploads, every response format, and `stream=true` as server-sent events.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { TranscribeOptions, TranscriptionModel, TranscriptionTask } from '../../asr/types.js';
import type { Config } from '../../config/index.js';
import { InvalidRequestError } from '../../errors.js';
import { vadOptionsFromConfig } from '../../vad/vad-options.js';
import { openAiErrorBody, toHttpError } from '../http-errors.js';
import { EVENT_STREAM_HEADERS, EventStream } from '../sse.js';
import { refuseWhenSaturated, transcribeUpload } from '../transcription.js';
import type { RouteModule, ServerContext } from '../types.js';
import { logprobsOf, renderOpenAi } from './openai-responses.js';
import {
  errorResponses,
  TranscriptionBody,
  TranslationBody,
  transcriptionResponses,
} from './openai-schemas.js';

type Body = Static<typeof TranscriptionBody>;

/**
 * The fields a translation takes, and no others: translations have no language, timestamp
 * granularities, log-probabilities, chunking strategy or streaming in OpenAI's API, and fields
 * outside a route's schema are not validated, so they must not be read.
 */
function translationFields(body: Static<typeof TranslationBody>): Body {
  const { file, model, prompt, response_format, temperature, hotwords, beam_size } = body;
  return { file, model, prompt, response_format, temperature, hotwords, beam_size };
}

/**
 * OpenAI's `chunking_strategy` as Earshot's `vad` option: `auto` uses the configured VAD rules,
 * `server_vad` overrides them with the request's threshold, padding and silence duration.
 */
function vadOption(body: Body, config: Config): TranscribeOptions['vad'] {
  const serverVad = body['chunking_strategy[type]'] === 'server_vad';
  if (body.chunking_strategy !== 'auto' && !serverVad) return undefined;
  const rules = vadOptionsFromConfig(config);
  if (!serverVad) return rules;
  const threshold = body['chunking_strategy[threshold]'];
  const padding = body['chunking_strategy[prefix_padding_ms]'];
  const silence = body['chunking_strategy[silence_duration_ms]'];
  return {
    ...rules,
    ...(threshold !== undefined ? { threshold } : {}),
    ...(padding !== undefined ? { speechPadMs: padding } : {}),
    ...(silence !== undefined ? { minSilenceDurationMs: silence } : {}),
  };
}

/** OpenAI's temperature: 0 means "start greedy, fall back upwards"; t > 0 falls back from t. */
function temperatureSchedule(temperature: number | undefined): number[] | undefined {
  if (temperature === undefined || temperature === 0) return undefined;
  const schedule: number[] = [];
  for (let t = temperature; t <= 1 + 1e-9; t += 0.2) schedule.push(Math.round(t * 1000) / 1000);
  return schedule;
}

function combined<T>(...lists: Array<readonly T[] | undefined>): Set<T> {
  return new Set(lists.flatMap((list) => list ?? []));
}

async function handle(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  task: TranscriptionTask,
  body: Body,
): Promise<FastifyReply> {
  const upload = request.uploads['file'];
  if (!upload) {
    throw new InvalidRequestError('invalid_request', "'file' must be an uploaded file.", {
      details: { param: 'file' },
    });
  }
  const format = body.response_format ?? 'json';
  const granularities = combined(body['timestamp_granularities[]'], body.timestamp_granularities);
  const logprobs = combined(body['include[]'], body.include).has('logprobs');
  if (body.stream && format !== 'json' && format !== 'text') {
    throw new InvalidRequestError(
      'invalid_parameter',
      `Streaming sends text events; it works with response_format json or text, not ${format}.`,
      { details: { param: 'stream' } },
    );
  }
  const options: Omit<TranscribeOptions, 'signal'> = {
    task,
    language: body.language || null,
    temperature: temperatureSchedule(body.temperature),
    ...(body.prompt ? { initialPrompt: body.prompt } : {}),
    ...(body.hotwords ? { hotwords: body.hotwords } : {}),
    ...(body.beam_size ? { beamSize: body.beam_size } : {}),
    wordTimestamps: format === 'verbose_json' && granularities.has('word'),
  };
  const vad = vadOption(body, context.config);
  if (vad) options.vad = vad;
  const signal = request.cancellation;
  const audioRequest = { model: body.model, upload, signal };
  if (body.stream) return stream(context, request, reply, audioRequest, options, logprobs);

  const outcome = await transcribeUpload(context, audioRequest, options);
  const rendered = renderOpenAi(outcome.result, {
    format,
    task,
    granularities,
    logprobs,
    tokenText: outcome.tokenText,
  });
  return reply.type(rendered.contentType).send(rendered.body);
}

/**
 * Streams segments as they are decoded. Failures before the model starts (unknown model, bad
 * audio, overload) are ordinary HTTP errors; later ones end the stream with an error event.
 */
async function stream(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  audioRequest: Parameters<typeof transcribeUpload>[1],
  options: Omit<TranscribeOptions, 'signal'>,
  logprobs: boolean,
): Promise<FastifyReply> {
  const events = new EventStream();
  let model: TranscriptionModel | null = null;
  let index = 0;
  try {
    const { result } = await transcribeUpload(
      context,
      {
        ...audioRequest,
        onStart: (started) => {
          model = started;
          reply.headers(EVENT_STREAM_HEADERS).send(events.stream);
        },
      },
      {
        ...options,
        onSegment: (segment) => {
          const tokenText = (model as TranscriptionModel | null)?.tokenText?.bind(model);
          events.send({
            type: 'transcript.text.delta',
            delta: index === 0 ? segment.text.trimStart() : segment.text,
            ...(logprobs
              ? { logprobs: logprobsOf(segment.tokens, segment.tokenProbs, tokenText) }
              : {}),
          });
          events.send({
            type: 'transcript.text.segment',
            id: `seg_${index}`,
            start: segment.start,
            end: segment.end,
            text: segment.text.trim(),
            // Earshot does not tell speakers apart: every segment is labelled "A".
            speaker: 'A',
          });
          index++;
        },
      },
    );
    const tokenText = (model as TranscriptionModel | null)?.tokenText?.bind(model);
    events.send({
      type: 'transcript.text.done',
      text: result.text.trim(),
      ...(logprobs
        ? {
            logprobs: result.segments.flatMap((segment) =>
              logprobsOf(segment.tokens, segment.tokenProbs, tokenText),
            ),
          }
        : {}),
    });
  } catch (error) {
    if (model === null) throw error;
    const http = toHttpError(error);
    if (http.error.status >= 500) request.log.error({ err: error }, 'transcription stream failed');
    events.send({ type: 'error', ...openAiErrorBody(http) });
  } finally {
    events.end();
  }
  return reply;
}

export const openAiAudioRoutes: RouteModule = {
  name: 'openai-audio',
  surface: 'openai',
  prefix: '/v1',
  register: async (app, { context }) => {
    app.addHook('onRequest', async (request) => {
      if (request.method === 'POST') refuseWhenSaturated(context);
    });
    app.post(
      '/v1/audio/transcriptions',
      {
        config: { uploads: ['file'] },
        schema: {
          tags: ['OpenAI audio'],
          summary: 'Transcribe audio into text in its own language',
          consumes: ['multipart/form-data'],
          body: TranscriptionBody,
          response: { ...transcriptionResponses, ...errorResponses },
        },
      },
      async (request, reply) => {
        await handle(context, request, reply, 'transcribe', request.body);
        return reply;
      },
    );
    app.post(
      '/v1/audio/translations',
      {
        config: { uploads: ['file'] },
        schema: {
          tags: ['OpenAI audio'],
          summary: 'Translate audio into English text',
          consumes: ['multipart/form-data'],
          body: TranslationBody,
          response: { ...transcriptionResponses, ...errorResponses },
        },
      },
      async (request, reply) => {
        await handle(context, request, reply, 'translate', translationFields(request.body));
        return reply;
      },
    );
  },
};
