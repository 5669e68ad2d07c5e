/**
 * What a `/v1/stream` client may choose, as TypeBox schemas (the single source for validation and
 * for the API documentation): the options a query string or a first `stream.configure` message
 * carries, the two control messages, and how the options become a session's settings (models
 * resolved through the server's registry, the `live` settings for the rest).
 */
import { type Static, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { toLanguageCode } from '../../asr/languages.js';
import { EarshotError, InvalidRequestError } from '../../errors.js';
import { parseJsonObject, schemaFailure } from '../client-messages.js';
import type { ServerContext } from '../types.js';

/** The rate binary audio is taken to have when the client names none. */
export const DEFAULT_STREAM_RATE = 16_000;

const descriptions = {
  language: 'Spoken language: an ISO-639-1 code or a language name; absent (or null): detected.',
  model:
    'Confirm-pass model, any name from `GET /v1/models`; default `live.model`, else the server default.',
  draft_model:
    'Draft-pass model; default `live.draftModel`, else the confirm model in both roles (single-model mode).',
  drafts:
    'false: confirmed text only, no draft pass (for servers too slow for two passes). Default true.',
  hold_back:
    'Trailing draft words withheld: more means less flicker and more latency. Default `live.holdBack`.',
  vad: 'Close utterances where voice activity detection finds speech ends. Default `live.vad`.',
  sample_rate: 'Sample rate of the binary pcm16 audio, resampled to 16 kHz. Default 16000.',
} as const;

const ModelName = (description: string) =>
  Type.String({ minLength: 1, maxLength: 512, description });

/** The options every way of choosing them shares (query strings cannot say null). */
const optionFields = {
  model: Type.Optional(ModelName(descriptions.model)),
  draft_model: Type.Optional(ModelName(descriptions.draft_model)),
  drafts: Type.Optional(Type.Boolean({ description: descriptions.drafts })),
  hold_back: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 10, description: descriptions.hold_back }),
  ),
  vad: Type.Optional(Type.Boolean({ description: descriptions.vad })),
  sample_rate: Type.Optional(
    Type.Integer({ minimum: 8000, maximum: 192_000, description: descriptions.sample_rate }),
  ),
};

export const StreamConfigureSchema = Type.Object(
  {
    type: Type.Literal('stream.configure'),
    language: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
        description: descriptions.language,
      }),
    ),
    ...optionFields,
  },
  {
    title: 'stream.configure',
    description:
      'Optional, before any audio: the session options (overriding the query string). Unknown keys are refused.',
    additionalProperties: false,
  },
);

export const StreamEndSchema = Type.Object(
  { type: Type.Literal('stream.end') },
  {
    title: 'stream.end',
    description:
      'The input has ended: the last utterance is transcribed to its final, the session ends and the socket closes with 1000.',
    additionalProperties: false,
  },
);

export const StreamQuerySchema = Type.Object({
  language: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: descriptions.language }),
  ),
  ...optionFields,
  api_key: Type.Optional(
    Type.String({
      description:
        'An API key, for clients that cannot set headers; the subprotocol `openai-insecure-api-key.KEY` works too.',
    }),
  ),
});

export const STREAM_CONTROL_SCHEMAS = [StreamConfigureSchema, StreamEndSchema] as const;

export type StreamConfigure = Static<typeof StreamConfigureSchema>;
export type StreamControl = StreamConfigure | Static<typeof StreamEndSchema>;
/** The options of a session as a client states them (query string and `stream.configure`). */
export type StreamOptions = Omit<StreamConfigure, 'type'>;

/** The settings a session runs with. */
export interface StreamSettings {
  /** Canonical model ids (from the registry); `draftModel` null runs without drafts. */
  confirmModel: string;
  draftModel: string | null;
  language: string | null;
  holdBack: number;
  vad: boolean;
  sampleRate: number;
}

const validators = {
  'stream.configure': Compile(StreamConfigureSchema),
  'stream.end': Compile(StreamEndSchema),
} as const;

function isControlType(type: string): type is keyof typeof validators {
  return Object.hasOwn(validators, type);
}

/** Parses one text message into a control message; throws an `EarshotError` naming the fault. */
export function parseStreamControl(text: string): StreamControl {
  let message: Record<string, unknown>;
  try {
    message = parseJsonObject(text, 'A control message');
  } catch (error) {
    throw new InvalidRequestError(
      'invalid_json',
      `${(error as Error).message} Text messages carry JSON control messages (stream.configure, stream.end); audio goes in binary messages.`,
    );
  }
  const type = message['type'];
  if (typeof type !== 'string') {
    throw new InvalidRequestError('invalid_request', "Missing required parameter: 'type'.", {
      details: { param: 'type' },
    });
  }
  if (!isControlType(type)) {
    throw new InvalidRequestError(
      'unknown_event_type',
      `Unknown control message type "${type.slice(0, 100)}". This server accepts ${Object.keys(validators).join(', ')}; audio goes in binary messages.`,
      { details: { param: 'type' } },
    );
  }
  const failure = schemaFailure(validators[type], message);
  if (failure) {
    throw new InvalidRequestError('invalid_parameter', failure.message, {
      details: { param: failure.param },
    });
  }
  return message as StreamControl;
}

/**
 * The settings `options` ask for, with models resolved by the server's registry (an unknown one:
 * `model_not_found`) and defaults from the `live` settings.
 */
export function resolveStreamSettings(
  options: StreamOptions,
  context: Pick<ServerContext, 'config' | 'models'>,
): StreamSettings {
  const { config, models } = context;
  const named = (name: string | null, param: string) => {
    try {
      return models.resolve(name);
    } catch (error) {
      if (error instanceof EarshotError) error.details['param'] = param;
      throw error;
    }
  };
  const confirmModel = named(options.model ?? config.live.model, 'model');
  // A draft model the client names is checked even with drafts off.
  const draftName =
    options.draft_model ?? (options.drafts === false ? null : config.live.draftModel);
  const draftId = draftName ? named(draftName, 'draft_model') : confirmModel;
  const draftModel = options.drafts === false ? null : draftId;
  const language = options.language ?? null;
  if (language !== null && toLanguageCode(language) === null) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `Unknown language "${language.slice(0, 64)}": use an ISO-639-1 code such as "en" or a language name.`,
      { details: { param: 'language' } },
    );
  }
  return {
    confirmModel,
    draftModel,
    language,
    holdBack: options.hold_back ?? config.live.holdBack,
    vad: options.vad ?? config.live.vad,
    sampleRate: options.sample_rate ?? DEFAULT_STREAM_RATE,
  };
}
