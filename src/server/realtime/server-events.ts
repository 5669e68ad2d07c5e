/**
 * The server events of the realtime transcription protocol as TypeBox schemas: what
 * `/v1/realtime` sends, field for field as OpenAI's API reference describes it. They document the
 * route (the OpenAPI document lists them) and let tests check every event a session sends.
 */
import { type Static, Type } from 'typebox';

const EventId = Type.String({ description: 'Unique id of this server event.' });
const ItemId = Type.String({ description: 'The conversation item (one committed turn).' });
const Ms = Type.Integer({
  minimum: 0,
  description: 'Milliseconds since the first audio the client appended in this session.',
});
const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

function event<Name extends string, Fields extends Type.TProperties>(
  name: Name,
  description: string,
  fields: Fields,
) {
  return Type.Object(
    { type: Type.Literal(name), event_id: EventId, ...fields },
    { title: name, description, additionalProperties: false },
  );
}

const Transcription = Type.Object({
  model: Type.String(),
  language: Type.String({ description: 'Empty: detected from the audio.' }),
  prompt: Type.String(),
});
const TurnDetection = Nullable(
  Type.Object({
    type: Type.Literal('server_vad'),
    threshold: Type.Number(),
    prefix_padding_ms: Type.Integer(),
    silence_duration_ms: Type.Integer(),
  }),
);
const IncludeView = Nullable(Type.Array(Type.Literal('item.input_audio_transcription.logprobs')));

export const BetaSessionViewSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('realtime.transcription_session'),
    modalities: Type.Array(Type.Literal('text')),
    input_audio_format: Type.Literal('pcm16'),
    input_audio_transcription: Transcription,
    turn_detection: TurnDetection,
    input_audio_noise_reduction: Type.Null(),
    include: IncludeView,
  },
  { additionalProperties: false },
);

export const GaSessionViewSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('realtime.transcription_session'),
    type: Type.Literal('transcription'),
    audio: Type.Object({
      input: Type.Object({
        format: Type.Object({ type: Type.Literal('audio/pcm'), rate: Type.Literal(24_000) }),
        transcription: Transcription,
        turn_detection: TurnDetection,
        noise_reduction: Type.Null(),
      }),
    }),
    include: IncludeView,
  },
  { additionalProperties: false },
);

const Logprobs = Type.Optional(
  Type.Array(
    Type.Object({
      token: Type.String(),
      logprob: Type.Number(),
      bytes: Type.Array(Type.Integer()),
    }),
  ),
);

const ErrorDetail = Type.Object({
  type: Type.String({
    description: '`invalid_request_error`, `rate_limit_error`, `server_error`…',
  }),
  code: Type.String({ description: "Earshot's stable error code." }),
  message: Type.String(),
  param: Nullable(Type.String()),
});

export const SERVER_EVENT_SCHEMAS = [
  event('session.created', 'First event of a session (GA shape).', {
    session: GaSessionViewSchema,
  }),
  event('transcription_session.created', 'First event of a session (beta shape), sent second.', {
    session: BetaSessionViewSchema,
  }),
  event('session.updated', 'Answers `session.update` with the effective settings.', {
    session: Type.Union([GaSessionViewSchema, BetaSessionViewSchema]),
  }),
  event('transcription_session.updated', 'Answers `transcription_session.update`.', {
    session: BetaSessionViewSchema,
  }),
  event('input_audio_buffer.speech_started', 'Server VAD found the start of a turn.', {
    audio_start_ms: Ms,
    item_id: ItemId,
  }),
  event('input_audio_buffer.speech_stopped', 'Server VAD found the end of the turn.', {
    audio_end_ms: Ms,
    item_id: ItemId,
  }),
  event('input_audio_buffer.committed', 'A turn was committed (by server VAD or the client).', {
    item_id: ItemId,
    previous_item_id: Nullable(ItemId),
  }),
  event('input_audio_buffer.cleared', 'Answers `input_audio_buffer.clear`.', {}),
  event(
    'conversation.item.input_audio_transcription.delta',
    'Text of the turn as it is decoded (one per segment).',
    { item_id: ItemId, content_index: Type.Integer(), delta: Type.String(), logprobs: Logprobs },
  ),
  event(
    'conversation.item.input_audio_transcription.completed',
    'The whole transcript of the turn.',
    {
      item_id: ItemId,
      content_index: Type.Integer(),
      transcript: Type.String(),
      usage: Type.Object({ type: Type.Literal('duration'), seconds: Type.Number() }),
      logprobs: Logprobs,
    },
  ),
  event(
    'conversation.item.input_audio_transcription.failed',
    'The turn could not be transcribed.',
    { item_id: ItemId, content_index: Type.Integer(), error: ErrorDetail },
  ),
  event('error', 'A client event was refused (or the session failed); the session goes on.', {
    error: Type.Object({
      ...ErrorDetail.properties,
      event_id: Nullable(Type.String({ description: 'The client event that caused it.' })),
    }),
  }),
] as const;

export const RealtimeServerEventSchema = Type.Union([...SERVER_EVENT_SCHEMAS]);
export type RealtimeServerEvent = Static<typeof RealtimeServerEventSchema>;
