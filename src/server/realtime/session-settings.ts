/**
 * What a realtime transcription session is configured to do, how client updates change it (only
 * the fields present; `turn_detection: null` turns server VAD off), and how the session is shown
 * back to clients in the beta shape (`transcription_session.*`) and the GA shape (`session.*`).
 */
import type { BetaSession, GaSession, ServerVad, TranscriptionSettings } from './client-events.js';

/** The audio format the protocol carries: 16-bit PCM at 24 kHz, mono. */
export const REALTIME_SAMPLE_RATE = 24_000;

export interface TurnDetection {
  threshold: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
}

export interface RealtimeSettings {
  /** The model name the client asked for (null: the server's default model). */
  model: string | null;
  language: string | null;
  prompt: string | null;
  /** Server VAD, or null when the client commits turns itself. */
  turnDetection: TurnDetection | null;
  logprobs: boolean;
}

/** OpenAI's server VAD defaults. */
export const TURN_DETECTION_DEFAULTS: Readonly<TurnDetection> = Object.freeze({
  threshold: 0.5,
  prefixPaddingMs: 300,
  silenceDurationMs: 500,
});

export function defaultSettings(model: string | null): RealtimeSettings {
  return {
    model,
    language: null,
    prompt: null,
    turnDetection: { ...TURN_DETECTION_DEFAULTS },
    logprobs: false,
  };
}

/** The parts of an update, whichever shape it came in. */
interface Update {
  transcription?: TranscriptionSettings | null;
  turnDetection?: ServerVad | null;
  include?: readonly string[] | null;
}

function partsOf(session: BetaSession | GaSession): Update {
  if ('type' in session) {
    const input = session.audio?.input;
    return {
      ...(input && 'transcription' in input ? { transcription: input.transcription } : {}),
      ...(input && 'turn_detection' in input ? { turnDetection: input.turn_detection } : {}),
      ...('include' in session ? { include: session.include } : {}),
    };
  }
  return {
    ...('input_audio_transcription' in session
      ? { transcription: session.input_audio_transcription }
      : {}),
    ...('turn_detection' in session ? { turnDetection: session.turn_detection } : {}),
    ...('include' in session ? { include: session.include } : {}),
  };
}

/** The settings after `session` (an update in either shape) is applied to `current`. */
export function applyUpdate(
  current: RealtimeSettings,
  session: BetaSession | GaSession,
): RealtimeSettings {
  const update = partsOf(session);
  const next = { ...current };
  if (update.transcription === null) {
    // OpenAI switches transcription off with null; here transcription is the session's purpose,
    // so null only forgets the language and prompt.
    next.language = null;
    next.prompt = null;
  } else if (update.transcription) {
    const given = update.transcription;
    if (given.model !== undefined) next.model = given.model || null;
    if (given.language !== undefined) next.language = given.language || null;
    if (given.prompt !== undefined) next.prompt = given.prompt || null;
  }
  if (update.turnDetection !== undefined) {
    const given = update.turnDetection;
    next.turnDetection =
      given === null
        ? null
        : {
            threshold:
              given.threshold ??
              current.turnDetection?.threshold ??
              TURN_DETECTION_DEFAULTS.threshold,
            prefixPaddingMs:
              given.prefix_padding_ms ??
              current.turnDetection?.prefixPaddingMs ??
              TURN_DETECTION_DEFAULTS.prefixPaddingMs,
            silenceDurationMs:
              given.silence_duration_ms ??
              current.turnDetection?.silenceDurationMs ??
              TURN_DETECTION_DEFAULTS.silenceDurationMs,
          };
  }
  if (update.include !== undefined) {
    next.logprobs = (update.include ?? []).includes('item.input_audio_transcription.logprobs');
  }
  return next;
}

function transcriptionOf(settings: RealtimeSettings, defaultModel: string) {
  return {
    model: settings.model ?? defaultModel,
    language: settings.language ?? '',
    prompt: settings.prompt ?? '',
  };
}

function turnDetectionOf(settings: RealtimeSettings) {
  const turn = settings.turnDetection;
  return turn
    ? {
        type: 'server_vad' as const,
        threshold: turn.threshold,
        prefix_padding_ms: turn.prefixPaddingMs,
        silence_duration_ms: turn.silenceDurationMs,
      }
    : null;
}

function includeOf(settings: RealtimeSettings) {
  return settings.logprobs ? ['item.input_audio_transcription.logprobs'] : null;
}

/** The session in the beta shape (`transcription_session.created` / `.updated`). */
export function betaSessionView(id: string, settings: RealtimeSettings, defaultModel: string) {
  return {
    id,
    object: 'realtime.transcription_session',
    modalities: ['text'],
    input_audio_format: 'pcm16',
    input_audio_transcription: transcriptionOf(settings, defaultModel),
    turn_detection: turnDetectionOf(settings),
    input_audio_noise_reduction: null,
    include: includeOf(settings),
  };
}

/** The session in the GA shape (`session.created` / `session.updated`). */
export function gaSessionView(id: string, settings: RealtimeSettings, defaultModel: string) {
  return {
    id,
    object: 'realtime.transcription_session',
    type: 'transcription',
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: REALTIME_SAMPLE_RATE },
        transcription: transcriptionOf(settings, defaultModel),
        turn_detection: turnDetectionOf(settings),
        noise_reduction: null,
      },
    },
    include: includeOf(settings),
  };
}
