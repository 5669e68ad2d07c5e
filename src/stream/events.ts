/**
 * The live event protocol: one versioned, discriminated union that every surface (CLI JSONL,
 * WebSocket, SSE, web UI) carries unchanged. The TypeBox schemas below are the single source of
 * truth: the TypeScript types are derived from them and `npm run schema` writes them out as
 * `schema/live-event.schema.json`.
 *
 * Time: audio positions (`start`, `end`) are seconds on the session's audio timeline (sample 0 of
 * the input is 0 s). `wallMs` is the wall-clock time of emission in milliseconds since the
 * session started, read from the pipeline's clock, so latency can be measured from the stream
 * alone.
 */
import Type, { type Static } from 'typebox';

/** Version of the event protocol; bumped on any incompatible change. */
export const LIVE_EVENT_VERSION = 1;

/** `spk_{speaker}_a{sequence}`: the identity of one token, namespaced by speaker. */
export const ALIGNMENT_ID_PATTERN = '^spk_\\d+_a\\d+$';

export function alignmentId(speaker: number, sequence: number): string {
  return `spk_${speaker}_a${sequence}`;
}

const Seconds = Type.Number({ minimum: 0, description: 'Seconds on the audio timeline.' });
const Count = Type.Integer({ minimum: 0 });
const AlignmentId = Type.String({ pattern: ALIGNMENT_ID_PATTERN });
const Confidence = Type.Number({
  minimum: 0,
  maximum: 1,
  description: 'Probability the model gave the word (mean over its sub-word tokens).',
});
const Pass = Type.Union([Type.Literal('draft'), Type.Literal('confirm')]);

/** Fields every event has. */
const common = {
  v: Type.Literal(LIVE_EVENT_VERSION),
  seq: Type.Integer({ minimum: 0, description: 'Position of the event in its session.' }),
  wallMs: Type.Number({
    minimum: 0,
    description: 'Wall-clock milliseconds since the session started, at emission.',
  }),
};

function event<Name extends string, Fields extends Type.TProperties>(
  name: Name,
  description: string,
  fields: Fields,
) {
  return Type.Object(
    { type: Type.Literal(name), ...common, ...fields },
    { title: name, description, additionalProperties: false },
  );
}

/** A word as the stream shows it. */
export const LiveTokenSchema = Type.Object(
  {
    id: AlignmentId,
    /** The word as the model wrote it, usually with a leading space. */
    text: Type.String(),
    start: Seconds,
    end: Seconds,
    confidence: Confidence,
  },
  { title: 'token_data', additionalProperties: false },
);
export type LiveToken = Static<typeof LiveTokenSchema>;

const PassCounts = Type.Object(
  { run: Count, dropped: Count, stale: Count, failed: Count },
  { additionalProperties: false },
);

export const SessionEventSchema = event(
  'session',
  'Opens (state "started") and closes (state "ended") a session.',
  {
    state: Type.Union([Type.Literal('started'), Type.Literal('ended')]),
    sessionId: Type.String(),
    /** ISO 8601 wall-clock time the session started. */
    startedAt: Type.String(),
    mode: Type.Union([Type.Literal('dual'), Type.Literal('single'), Type.Literal('confirm-only')], {
      description:
        'dual: two models; single: one model in both roles on different windows; confirm-only: no drafts (whisper_streaming-style).',
    }),
    models: Type.Object({
      draft: Type.Union([Type.String(), Type.Null()]),
      confirm: Type.String(),
    }),
    /** How fast the input arrives compared with real time (1 for a live source). */
    speed: Type.Number({ exclusiveMinimum: 0 }),
    settings: Type.Object({
      draftStepMs: Type.Number(),
      confirmStepMs: Type.Number(),
      agreement: Type.Integer({ minimum: 1 }),
      holdBack: Type.Integer({ minimum: 0 }),
    }),
    /** On "ended": seconds of audio received. */
    audioS: Type.Optional(Seconds),
    /** On "ended": how many passes of each kind ran, were dropped, went stale or failed. */
    windows: Type.Optional(Type.Object({ draft: PassCounts, confirm: PassCounts })),
  },
);

export const SpeechStartedEventSchema = event(
  'speech_started',
  'The endpoint detector found the start of an utterance.',
  { utterance: Count, speaker: Count, start: Seconds },
);

export const SpeechStoppedEventSchema = event(
  'speech_stopped',
  'The endpoint detector found the end of an utterance; its final follows.',
  { utterance: Count, speaker: Count, end: Seconds },
);

export const TokenEventSchema = event(
  'token',
  'A new draft word: provisional, shown dimmed; later confirmed, corrected or withdrawn.',
  { ...LiveTokenSchema.properties, utterance: Count, window: Count },
);

export const ConfirmEventSchema = event(
  'confirm',
  'The confirm pass agrees with a draft word: it is now confirmed and never changes.',
  { ...LiveTokenSchema.properties, utterance: Count, window: Count },
);

export const DiffEventSchema = event(
  'diff',
  'The confirm pass replaces draft words (possibly none) with confirmed words (possibly none).',
  {
    utterance: Count,
    window: Count,
    /** Draft ids withdrawn in favour of `tokens`, in order. */
    replaced: Type.Array(AlignmentId),
    draft: Type.String({ description: 'Text of the replaced draft words.' }),
    confirmed: Type.String({ description: 'Text of the confirmed words.' }),
    tokens: Type.Array(LiveTokenSchema, { description: 'The confirmed words, with new ids.' }),
  },
);

export const BacktrackEventSchema = event(
  'backtrack',
  'Draft words are withdrawn. Confirmed words are never withdrawn.',
  {
    utterance: Count,
    pass: Pass,
    window: Count,
    /** The last word kept before the withdrawn ones (draft or confirmed), or null. */
    after: Type.Union([AlignmentId, Type.Null()]),
    ids: Type.Array(AlignmentId),
  },
);

export const FinalEventSchema = event(
  'final',
  'A segment is closed; its words never change again. Finals in order are the transcript.',
  {
    utterance: Count,
    speaker: Count,
    window: Count,
    reason: Type.Union([Type.Literal('endpoint'), Type.Literal('segment'), Type.Literal('end')], {
      description:
        'endpoint: the utterance ended; segment: a long utterance was cut at a confirmed word; end: the input ended.',
    }),
    ids: Type.Array(AlignmentId),
    text: Type.String(),
    start: Seconds,
    end: Seconds,
  },
);

export const WindowEventSchema = event(
  'window',
  'A draft or confirm pass over a window of audio finished, was dropped (a newer draft window replaced it while it waited), went stale (its utterance closed first) or failed. Window ids are monotonic per pass, so every window is accounted for.',
  {
    pass: Pass,
    id: Count,
    utterance: Count,
    status: Type.Union([
      Type.Literal('done'),
      Type.Literal('dropped'),
      Type.Literal('stale'),
      Type.Literal('failed'),
    ]),
    start: Seconds,
    end: Seconds,
    /** Wall-clock milliseconds the pass took (0 unless it ran). */
    computeMs: Type.Number({ minimum: 0 }),
  },
);

export const ErrorEventSchema = event(
  'error',
  'Something failed. Fatal errors end the session; others (a failed pass) do not.',
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      status: Type.Integer(),
      retryable: Type.Boolean(),
    }),
    source: Type.Union([
      Type.Literal('source'),
      Type.Literal('detector'),
      Type.Literal('draft'),
      Type.Literal('confirm'),
    ]),
    fatal: Type.Boolean(),
  },
);

/** Every live event, discriminated on `type`. */
export const LiveEventSchema = Type.Union(
  [
    SessionEventSchema,
    SpeechStartedEventSchema,
    SpeechStoppedEventSchema,
    TokenEventSchema,
    ConfirmEventSchema,
    DiffEventSchema,
    BacktrackEventSchema,
    FinalEventSchema,
    WindowEventSchema,
    ErrorEventSchema,
  ],
  { title: 'live_event' },
);

export type SessionEvent = Static<typeof SessionEventSchema>;
export type SpeechStartedEvent = Static<typeof SpeechStartedEventSchema>;
export type SpeechStoppedEvent = Static<typeof SpeechStoppedEventSchema>;
export type TokenEvent = Static<typeof TokenEventSchema>;
export type ConfirmEvent = Static<typeof ConfirmEventSchema>;
export type DiffEvent = Static<typeof DiffEventSchema>;
export type BacktrackEvent = Static<typeof BacktrackEventSchema>;
export type FinalEvent = Static<typeof FinalEventSchema>;
export type WindowEvent = Static<typeof WindowEventSchema>;
export type ErrorEvent = Static<typeof ErrorEventSchema>;
export type LiveEvent = Static<typeof LiveEventSchema>;
export type LiveEventType = LiveEvent['type'];

/** An event before the session stamps it with `v`, `seq` and `wallMs`. */
export type LiveEventPayload = LiveEvent extends infer E
  ? E extends LiveEvent
    ? Omit<E, 'v' | 'seq' | 'wallMs'>
    : never
  : never;

/**
 * The JSON Schema document of the protocol (draft 2020-12), as published in
 * `schema/live-event.schema.json`.
 */
export function liveEventJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:earshot:live-event:v1',
    ...JSON.parse(JSON.stringify(LiveEventSchema)),
    title: 'Earshot live event',
    description: `Earshot live transcription event, protocol version ${LIVE_EVENT_VERSION}. One of the members below, discriminated on "type".`,
  };
}
