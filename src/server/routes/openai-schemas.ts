/**
 * Request and response schemas of the OpenAI-compatible audio and model routes, field for
 * field as in OpenAI's API reference (and the `openai` client's types), plus Earshot's extras.
 */
import { Type } from 'typebox';

export const RESPONSE_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type OpenAiResponseFormat = (typeof RESPONSE_FORMATS)[number];

const Granularities = Type.Array(Type.Enum(['word', 'segment']), {
  description:
    'Timestamp detail for `verbose_json`: `segment` (default), `word`, or both. Send the field once per value.',
});
const Include = Type.Array(Type.Enum(['logprobs']), {
  description: '`logprobs`: per-token log-probabilities in `json` responses and stream events.',
});

const common = {
  file: Type.String({
    format: 'binary',
    description:
      'The audio file: anything ffmpeg decodes (flac, mp3, mp4, m4a, ogg, opus, wav, webm, …).',
  }),
  model: Type.Optional(
    Type.String({
      description:
        'Model id from `GET /v1/models`; `whisper-1` and an empty value mean the default model.',
    }),
  ),
  prompt: Type.Optional(
    Type.String({ description: 'Text that guides the style, or continues earlier audio.' }),
  ),
  response_format: Type.Optional(
    Type.Enum(RESPONSE_FORMATS, { description: 'Default `json`.', default: 'json' }),
  ),
  temperature: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 1,
      description:
        'Sampling temperature. 0 (default) decodes greedily and falls back to higher temperatures when the output looks wrong.',
    }),
  ),
  hotwords: Type.Optional(
    Type.String({
      description:
        'Earshot: comma-separated words and names to favour (given as context and boosted while decoding).',
    }),
  ),
  beam_size: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 32,
      description: 'Earshot: beam search width at temperature 0 (default greedy).',
    }),
  ),
};

export const TranscriptionBody = Type.Object({
  ...common,
  language: Type.Optional(
    Type.String({
      description: 'Spoken language (ISO-639-1 code such as `en`, or a name); default: detected.',
    }),
  ),
  'timestamp_granularities[]': Type.Optional(Granularities),
  timestamp_granularities: Type.Optional(Granularities),
  'include[]': Type.Optional(Include),
  include: Type.Optional(Include),
  chunking_strategy: Type.Optional(
    Type.Enum(['auto'], {
      description:
        '`auto`: transcribe only the speech voice activity detection (Silero, with the `vad` settings) finds, in chunks of up to 30 s; silence never reaches the model. Or send the `chunking_strategy[…]` fields for `server_vad` with your own thresholds. Default: the whole file.',
    }),
  ),
  'chunking_strategy[type]': Type.Optional(Type.Enum(['server_vad'])),
  'chunking_strategy[threshold]': Type.Optional(
    Type.Number({ minimum: 0, maximum: 1, description: 'Speech probability threshold.' }),
  ),
  'chunking_strategy[prefix_padding_ms]': Type.Optional(
    Type.Integer({ minimum: 0, maximum: 10_000, description: 'Audio kept around speech, in ms.' }),
  ),
  'chunking_strategy[silence_duration_ms]': Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 60_000,
      description: 'Silence that ends a speech region, in ms.',
    }),
  ),
  stream: Type.Optional(
    Type.Boolean({
      description:
        'Send the transcript as server-sent events (`transcript.text.delta`, `transcript.text.segment`, `transcript.text.done`) as it is produced; `json` and `text` formats only.',
    }),
  ),
});

export const TranslationBody = Type.Object(common);

const Logprob = Type.Object({
  token: Type.String(),
  logprob: Type.Number(),
  bytes: Type.Array(Type.Integer()),
});

const Usage = Type.Object({ type: Type.Literal('duration'), seconds: Type.Number() });

const Segment = Type.Object({
  id: Type.Integer(),
  seek: Type.Integer(),
  start: Type.Number(),
  end: Type.Number(),
  text: Type.String(),
  tokens: Type.Array(Type.Integer()),
  temperature: Type.Number(),
  avg_logprob: Type.Number(),
  compression_ratio: Type.Number(),
  no_speech_prob: Type.Number(),
});

const Word = Type.Object({ word: Type.String(), start: Type.Number(), end: Type.Number() });

export const VerboseTranscription = Type.Object(
  {
    task: Type.String(),
    language: Type.String(),
    duration: Type.Number(),
    text: Type.String(),
    segments: Type.Optional(Type.Array(Segment)),
    words: Type.Optional(Type.Array(Word)),
    usage: Type.Optional(Usage),
  },
  { description: '`verbose_json`' },
);

export const Transcription = Type.Object(
  {
    text: Type.String(),
    logprobs: Type.Optional(Type.Array(Logprob)),
    usage: Type.Optional(Usage),
  },
  { description: '`json`' },
);

/** 200 answers: JSON bodies for json/verbose_json, text for text/srt/vtt, events when streaming. */
export const transcriptionResponses = {
  200: {
    description:
      'The transcript: a JSON object (`json`, `verbose_json`), plain text (`text`, `srt`, `vtt`), or server-sent events (`stream=true`).',
    content: {
      'application/json': { schema: Type.Union([VerboseTranscription, Transcription]) },
      'text/plain': { schema: Type.String() },
      'text/vtt': { schema: Type.String() },
      'application/x-subrip': { schema: Type.String() },
      'text/event-stream': { schema: Type.String() },
    },
  },
};

export const OpenAiError = Type.Object(
  {
    error: Type.Object({
      message: Type.String(),
      type: Type.String(),
      param: Type.Union([Type.String(), Type.Null()]),
      code: Type.String(),
    }),
  },
  { description: "An error, in OpenAI's shape." },
);

export const errorResponses = {
  400: OpenAiError,
  401: OpenAiError,
  404: OpenAiError,
  408: OpenAiError,
  413: OpenAiError,
  415: OpenAiError,
  429: OpenAiError,
  500: OpenAiError,
  503: OpenAiError,
};

export const Model = Type.Object({
  id: Type.String(),
  object: Type.Literal('model'),
  created: Type.Integer(),
  owned_by: Type.String(),
});

export const ModelList = Type.Object({ object: Type.Literal('list'), data: Type.Array(Model) });
