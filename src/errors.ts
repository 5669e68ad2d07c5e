/**
 * The error catalogue. Every failure Earshot reports to a user is an `EarshotError` with a
 * stable `code` (safe to match on in client code), the HTTP `status` a server answers with, and
 * whether retrying the same request may succeed. Codes are listed once, here; the classes below
 * only group them by family so callers can `catch` a family.
 */

/** Every stable error code, with its HTTP status and whether a retry may succeed. */
export const errorCatalogue = {
  // Configuration
  config_invalid: { status: 500, retryable: false },
  config_file_unreadable: { status: 500, retryable: false },
  // Requests
  invalid_request: { status: 400, retryable: false },
  invalid_parameter: { status: 400, retryable: false },
  not_found: { status: 404, retryable: false },
  unauthorized: { status: 401, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  unsupported_media_type: { status: 415, retryable: false },
  rate_limited: { status: 429, retryable: true },
  overloaded: { status: 429, retryable: true },
  request_timeout: { status: 408, retryable: true },
  server_shutting_down: { status: 503, retryable: true },
  // Audio input
  audio_unreadable: { status: 400, retryable: false },
  audio_empty: { status: 400, retryable: false },
  audio_truncated: { status: 400, retryable: false },
  audio_corrupt: { status: 400, retryable: false },
  audio_unsupported_format: { status: 415, retryable: false },
  audio_no_stream: { status: 400, retryable: false },
  audio_too_long: { status: 413, retryable: false },
  audio_decode_timeout: { status: 408, retryable: true },
  audio_invalid_pcm: { status: 400, retryable: false },
  audio_invalid_base64: { status: 400, retryable: false },
  // WebSocket sessions (realtime, stream)
  upgrade_required: { status: 426, retryable: false },
  invalid_json: { status: 400, retryable: false },
  unknown_event_type: { status: 400, retryable: false },
  input_audio_buffer_commit_empty: { status: 400, retryable: false },
  input_audio_buffer_full: { status: 413, retryable: true },
  // Audio output
  audio_encode_failed: { status: 500, retryable: false },
  audio_unsupported_output: { status: 400, retryable: false },
  // Models
  model_not_found: { status: 404, retryable: false },
  model_offline: { status: 503, retryable: false },
  model_unauthorized: { status: 401, retryable: false },
  model_download_failed: { status: 502, retryable: true },
  model_hub_unreachable: { status: 503, retryable: true },
  model_checksum_mismatch: { status: 502, retryable: true },
  model_file_missing: { status: 500, retryable: false },
  model_corrupt: { status: 500, retryable: false },
  model_contract_mismatch: { status: 500, retryable: false },
  model_load_failed: { status: 500, retryable: true },
  // Speech synthesis
  speech_text_empty: { status: 400, retryable: false },
  speech_text_too_long: { status: 400, retryable: false },
  speech_voice_not_found: { status: 400, retryable: false },
  speech_speed_out_of_range: { status: 400, retryable: false },
  speech_synthesis_failed: { status: 500, retryable: true },
  model_inference_failed: { status: 500, retryable: false },
  // Signal analysis
  signal_not_finite: { status: 400, retryable: false },
  // External tools
  ffmpeg_not_found: { status: 500, retryable: false },
  ffmpeg_failed: { status: 500, retryable: true },
  // Internal
  internal_error: { status: 500, retryable: false },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface EarshotErrorOptions {
  /** The underlying error, kept for logs; never shown to API clients. */
  cause?: unknown;
  /** Structured facts that help a user fix the problem (a key, a path, a limit). */
  details?: Record<string, unknown>;
}

/** Base class of every error Earshot raises on purpose. */
export class EarshotError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: EarshotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.retryable = errorCatalogue[code].retryable;
    this.details = options.details ?? {};
  }

  /** The shape every surface (HTTP, CLI JSON, event stream) shows to users. */
  toJSON(): { code: ErrorCode; message: string; status: number; retryable: boolean } {
    return {
      code: this.code,
      message: this.message,
      status: this.status,
      retryable: this.retryable,
    };
  }
}

type CodesOf<Prefix extends string> = Extract<ErrorCode, `${Prefix}${string}`>;

/** A configuration value is missing, malformed or out of range. */
export class ConfigError extends EarshotError {
  constructor(code: CodesOf<'config_'>, message: string, options?: EarshotErrorOptions) {
    super(code, message, options);
  }
}

/** A request parameter or body is invalid. */
export class InvalidRequestError extends EarshotError {
  constructor(
    code:
      | 'invalid_request'
      | 'invalid_parameter'
      | 'not_found'
      | 'payload_too_large'
      | 'unsupported_media_type'
      | 'unauthorized'
      | 'rate_limited'
      | 'overloaded'
      | 'request_timeout'
      | 'upgrade_required'
      | 'invalid_json'
      | 'unknown_event_type'
      | 'input_audio_buffer_commit_empty'
      | 'input_audio_buffer_full',
    message: string,
    options?: EarshotErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** Input audio could not be turned into samples. */
export class AudioDecodeError extends EarshotError {
  constructor(
    code: Exclude<CodesOf<'audio_'>, 'audio_encode_failed' | 'audio_unsupported_output'>,
    message: string,
    options?: EarshotErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** Samples could not be encoded into the requested format. */
export class AudioEncodeError extends EarshotError {
  constructor(
    code: 'audio_encode_failed' | 'audio_unsupported_output',
    message: string,
    options?: EarshotErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** A model could not be found, fetched, verified or loaded. */
export class ModelError extends EarshotError {
  constructor(code: CodesOf<'model_'>, message: string, options?: EarshotErrorOptions) {
    super(code, message, options);
  }
}

/** A speech synthesis request was invalid, or the engine failed to speak it. */
export class SpeechError extends EarshotError {
  constructor(code: CodesOf<'speech_'>, message: string, options?: EarshotErrorOptions) {
    super(code, message, options);
  }
}

/** Samples handed to an analysis cannot be analysed (NaN or infinite values). */
export class SignalError extends EarshotError {
  constructor(code: CodesOf<'signal_'>, message: string, options?: EarshotErrorOptions) {
    super(code, message, options);
  }
}

/** An external program Earshot relies on is missing or failed. */
export class ExternalToolError extends EarshotError {
  constructor(code: CodesOf<'ffmpeg_'>, message: string, options?: EarshotErrorOptions) {
    super(code, message, options);
  }
}

/** Whether `code` is one of the catalogue's codes (for codes that crossed a boundary as text). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCatalogue, code);
}

/** Wraps anything unexpected so that callers always see the catalogue's shape. */
export function toEarshotError(error: unknown): EarshotError {
  if (error instanceof EarshotError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EarshotError('internal_error', `Internal error: ${message}`, { cause: error });
}
