/**
 * The client events of OpenAI's realtime transcription protocol that Earshot accepts, as TypeBox
 * schemas (the single source for validation and for the API documentation), and `parseClientEvent`,
 * which turns one WebSocket text message into a checked event or an `EarshotError` naming the
 * parameter at fault. Sessions are configured in either shape OpenAI has published: the beta one
 * (`transcription_session.update`, flat `input_audio_*` fields) or the GA one (`session.update`
 * with `type: "transcription"` and `audio.input.*`). Fields Earshot does not use are ignored.
 */
import { type Static, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { type EarshotError, InvalidRequestError } from '../../errors.js';
import { type MessageValidator, parseJsonObject, schemaFailure } from '../client-messages.js';

const EventId = Type.Optional(
  Type.String({
    maxLength: 256,
    description: 'Optional client-chosen id; errors caused by this event carry it.',
  }),
);

export const ServerVadSchema = Type.Object(
  {
    type: Type.Literal('server_vad', {
      description: 'Silero VAD on the server; `semantic_vad` is not offered.',
    }),
    threshold: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'Speech probability. Default 0.5.' }),
    ),
    prefix_padding_ms: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 10_000,
        description: 'Audio kept before the detected start of speech. Default 300.',
      }),
    ),
    silence_duration_ms: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 10_000,
        description: 'Silence that ends a turn. Default 500.',
      }),
    ),
  },
  { title: 'server_vad' },
);

export const TranscriptionSettingsSchema = Type.Object(
  {
    model: Type.Optional(
      Type.String({
        maxLength: 512,
        description: 'A model from `GET /v1/models`; `whisper-1` and the like name the default.',
      }),
    ),
    language: Type.Optional(
      Type.String({ maxLength: 64, description: 'Language code or name; empty: detected.' }),
    ),
    prompt: Type.Optional(
      Type.String({ maxLength: 4096, description: 'Text given to the model as earlier context.' }),
    ),
  },
  { title: 'input_audio_transcription' },
);

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const Include = Type.Optional(
  Nullable(
    Type.Array(Type.Literal('item.input_audio_transcription.logprobs'), {
      description: 'Adds per-token log-probabilities to deltas and completions.',
    }),
  ),
);

/** The beta session shape (`transcription_session.update`, or `session.update` without `type`). */
export const BetaSessionSchema = Type.Object(
  {
    input_audio_format: Type.Optional(
      Type.Literal('pcm16', { description: '16-bit little-endian mono PCM at 24 kHz.' }),
    ),
    input_audio_transcription: Type.Optional(Nullable(TranscriptionSettingsSchema)),
    turn_detection: Type.Optional(Nullable(ServerVadSchema)),
    include: Include,
  },
  { title: 'transcription_session (beta)' },
);

/** The GA session shape (`session.update` with `type: "transcription"`). */
export const GaSessionSchema = Type.Object(
  {
    type: Type.Literal('transcription', {
      description: 'Only transcription sessions are offered (no spoken responses).',
    }),
    audio: Type.Optional(
      Type.Object({
        input: Type.Optional(
          Type.Object({
            format: Type.Optional(
              Type.Object({
                type: Type.Literal('audio/pcm'),
                rate: Type.Optional(Type.Literal(24_000)),
              }),
            ),
            transcription: Type.Optional(Nullable(TranscriptionSettingsSchema)),
            turn_detection: Type.Optional(Nullable(ServerVadSchema)),
          }),
        ),
      }),
    ),
    include: Include,
  },
  { title: 'transcription session (GA)' },
);

export const TranscriptionSessionUpdateSchema = Type.Object(
  {
    type: Type.Literal('transcription_session.update'),
    event_id: EventId,
    session: BetaSessionSchema,
  },
  { title: 'transcription_session.update' },
);

export const SessionUpdateSchema = Type.Object(
  {
    type: Type.Literal('session.update'),
    event_id: EventId,
    session: Type.Union([GaSessionSchema, BetaSessionSchema]),
  },
  { title: 'session.update' },
);

export const AppendSchema = Type.Object(
  {
    type: Type.Literal('input_audio_buffer.append'),
    event_id: EventId,
    audio: Type.String({ description: 'Base64 of 16-bit little-endian mono PCM at 24 kHz.' }),
  },
  { title: 'input_audio_buffer.append' },
);

export const CommitSchema = Type.Object(
  { type: Type.Literal('input_audio_buffer.commit'), event_id: EventId },
  { title: 'input_audio_buffer.commit' },
);

export const ClearSchema = Type.Object(
  { type: Type.Literal('input_audio_buffer.clear'), event_id: EventId },
  { title: 'input_audio_buffer.clear' },
);

export const CLIENT_EVENT_SCHEMAS = [
  TranscriptionSessionUpdateSchema,
  SessionUpdateSchema,
  AppendSchema,
  CommitSchema,
  ClearSchema,
] as const;

export type ServerVad = Static<typeof ServerVadSchema>;
export type TranscriptionSettings = Static<typeof TranscriptionSettingsSchema>;
export type BetaSession = Static<typeof BetaSessionSchema>;
export type GaSession = Static<typeof GaSessionSchema>;

export type ClientEvent =
  | { type: 'transcription_session.update'; event_id?: string; session: BetaSession }
  | { type: 'session.update'; event_id?: string; session: BetaSession | GaSession }
  | Static<typeof AppendSchema>
  | Static<typeof CommitSchema>
  | Static<typeof ClearSchema>;

/** A client message that could not be accepted, with the client's event id when it had one. */
export class ClientEventError {
  constructor(
    readonly error: EarshotError,
    readonly eventId: string | null,
    readonly param: string | null,
  ) {}
}

const validators = {
  'transcription_session.update': Compile(TranscriptionSessionUpdateSchema),
  'session.update': Compile(
    Type.Object({ type: Type.Literal('session.update'), event_id: EventId, session: Type.Any() }),
  ),
  'input_audio_buffer.append': Compile(AppendSchema),
  'input_audio_buffer.commit': Compile(CommitSchema),
  'input_audio_buffer.clear': Compile(ClearSchema),
} as const;
const gaSession = Compile(GaSessionSchema);
const betaSession = Compile(BetaSessionSchema);

function isEventType(type: string): type is keyof typeof validators {
  return Object.hasOwn(validators, type);
}

/** Parses one text message; throws `ClientEventError` when it is not an acceptable event. */
export function parseClientEvent(text: string): ClientEvent {
  let event: Record<string, unknown>;
  try {
    event = parseJsonObject(text);
  } catch (error) {
    throw new ClientEventError(error as EarshotError, null, null);
  }
  const eventId = typeof event['event_id'] === 'string' ? event['event_id'] : null;
  const type = event['type'];
  if (typeof type !== 'string') {
    throw invalid(eventId, 'type', "Missing required parameter: 'type'.", 'invalid_request');
  }
  if (!isEventType(type)) {
    throw new ClientEventError(
      new InvalidRequestError(
        'unknown_event_type',
        `Unknown event type "${type.slice(0, 100)}". This server accepts ${Object.keys(validators).join(', ')}.`,
      ),
      eventId,
      'type',
    );
  }
  check(validators[type], event, '', eventId);
  if (type === 'session.update') {
    // The shape is told apart by `type`: GA sessions have it, beta ones do not.
    const session = event['session'];
    if (typeof session !== 'object' || session === null || Array.isArray(session)) {
      throw invalid(eventId, 'session', "Invalid type for 'session': expected object.");
    }
    const validator = 'type' in session ? gaSession : betaSession;
    check(validator, session, 'session', eventId);
  }
  return event as ClientEvent;
}

function check(
  validator: MessageValidator,
  value: unknown,
  prefix: string,
  eventId: string | null,
): void {
  const failure = schemaFailure(validator, value, prefix);
  if (failure) throw invalid(eventId, failure.param, failure.message);
}

function invalid(
  eventId: string | null,
  param: string | null,
  message: string,
  code: 'invalid_parameter' | 'invalid_request' = 'invalid_parameter',
): ClientEventError {
  return new ClientEventError(
    new InvalidRequestError(code, message, { details: { param } }),
    eventId,
    param,
  );
}
