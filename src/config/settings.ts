/**
 * Every configuration setting Earshot has, as data: where it lives in the config object, the
 * environment variable that sets it, its default, how it is parsed, and whether it is a secret.
 * Add a capability's settings here as a new section; the loader, `earshot config` and the
 * README's table all read this one table.
 */
import envPaths from 'env-paths';
import { DTYPES, type Dtype } from '../models/dtypes.js';
import { MODEL_KINDS } from '../models/model-kinds.js';
import {
  boolean,
  integer,
  list,
  mapping,
  number,
  oneOf,
  optionalString,
  type Parser,
  string,
  url,
} from './parsers.js';

export interface Setting<T> {
  /** Environment variable that overrides the config file. */
  env: string;
  default: T;
  parse: Parser<T>;
  description: string;
  /** Secrets are masked whenever the configuration is printed or logged. */
  secret?: boolean;
}

function setting<T>(definition: Setting<T>): Setting<T> {
  return definition;
}

const DTYPES_LIST = DTYPES as readonly Dtype[] as readonly [Dtype, ...Dtype[]];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const settings = {
  log: {
    level: setting({
      env: 'EARSHOT_LOG_LEVEL',
      default: 'info' as (typeof LOG_LEVELS)[number],
      parse: oneOf(LOG_LEVELS),
      description:
        'Log level. Logs go to stderr as JSON lines and never contain audio or transcripts.',
    }),
  },
  audio: {
    ffmpegPath: setting({
      env: 'EARSHOT_FFMPEG',
      default: null as string | null,
      parse: optionalString(),
      description:
        'ffmpeg binary used to decode and encode compressed audio. Default: `ffmpeg` on PATH, else the binary shipped with the @ffmpeg-installer/ffmpeg package.',
    }),
    decodeTimeoutS: setting({
      env: 'EARSHOT_DECODE_TIMEOUT_S',
      default: 300,
      parse: integer({ min: 1, max: 86_400 }),
      description: 'Longest time one decode or encode may take before it is abandoned.',
    }),
    maxDurationS: setting({
      env: 'EARSHOT_MAX_AUDIO_DURATION_S',
      default: 4 * 3600,
      parse: integer({ min: 1 }),
      description:
        'Longest audio accepted, in seconds; longer input is refused rather than exhausting memory.',
    }),
    strictTruncation: setting({
      env: 'EARSHOT_STRICT_TRUNCATION',
      default: true,
      parse: boolean(),
      description:
        'Refuse audio whose data ends before its header says it should (audio_truncated) instead of decoding the part that is there.',
    }),
  },
  models: {
    dir: setting({
      env: 'EARSHOT_MODELS_DIR',
      default: envPaths('earshot', { suffix: '' }).cache,
      parse: string({ nonEmpty: true }),
      description: 'Folder where downloaded models are cached, in a Hugging Face hub-like layout.',
    }),
    hubUrl: setting({
      env: 'EARSHOT_HUB_URL',
      default: 'https://huggingface.co',
      parse: url(),
      description:
        'Model hub to download from (any server speaking the Hugging Face hub file API).',
    }),
    offline: setting({
      env: 'EARSHOT_OFFLINE',
      default: false,
      parse: boolean(),
      description: 'Never download: models must already be in the cache or in a local folder.',
    }),
    timeoutS: setting({
      env: 'EARSHOT_HUB_TIMEOUT_S',
      default: 10,
      parse: integer({ min: 1, max: 3600 }),
      description:
        'Seconds without any answer or data from the hub before a request is abandoned (an unreachable hub fails within this time).',
    }),
    hfToken: setting({
      env: 'HF_TOKEN',
      default: null as string | null,
      parse: optionalString(),
      description: 'Access token sent to the hub for gated or private models.',
      secret: true,
    }),
  },
  asr: {
    model: setting({
      env: 'EARSHOT_ASR_MODEL',
      default: 'onnx-community/whisper-base',
      parse: string({ nonEmpty: true }),
      description:
        'Default speech recognition model: a hub id (`onnx-community/whisper-small`, optional `@revision`) or a local folder in the same layout.',
    }),
    dtype: setting({
      env: 'EARSHOT_ASR_DTYPE',
      default: 'q8' as Dtype,
      parse: oneOf(DTYPES_LIST),
      description:
        'Weight format of the default model (fp32, fp16, q8 = 8-bit and fastest on CPU, int8, uint8, q4, q4f16, bnb4).',
    }),
  },
  onnx: {
    executionProvider: setting({
      env: 'EARSHOT_EXECUTION_PROVIDER',
      default: 'cpu' as 'cpu' | 'cuda',
      parse: oneOf(['cpu', 'cuda'] as const),
      description:
        "onnxruntime execution provider. `cuda` needs onnxruntime-node's CUDA files installed (they are not downloaded by default).",
    }),
    intraOpThreads: setting({
      env: 'EARSHOT_INTRA_OP_THREADS',
      default: 0,
      parse: integer({ min: 0, max: 1024 }),
      description:
        'Threads one model uses inside an operator; 0 lets onnxruntime choose (one per physical core).',
    }),
    spinWait: setting({
      env: 'EARSHOT_ONNX_SPIN_WAIT',
      default: false,
      parse: boolean(),
      description:
        "Let idle operator threads spin (onnxruntime's own default): a little faster for one model alone, slower when models run at once.",
    }),
    interOpThreads: setting({
      env: 'EARSHOT_INTER_OP_THREADS',
      default: 1,
      parse: integer({ min: 0, max: 1024 }),
      description:
        'Threads one model uses across independent operators; 0 lets onnxruntime choose.',
    }),
    idleTtlS: setting({
      env: 'EARSHOT_MODEL_IDLE_TTL_S',
      default: 600,
      parse: integer({ min: 0 }),
      description:
        'Seconds a loaded model stays in memory unused before it is unloaded; 0 keeps models loaded.',
    }),
  },
  live: {
    model: setting({
      env: 'EARSHOT_LIVE_MODEL',
      default: null as string | null,
      parse: optionalString(),
      description:
        'Model of the confirm pass of `earshot live` and `/v1/stream`: a Whisper hub id (downloaded on first use) or folder.',
    }),
    draftModel: setting({
      env: 'EARSHOT_LIVE_DRAFT_MODEL',
      default: null as string | null,
      parse: optionalString(),
      description:
        'Model of the draft pass (`earshot live`, `/v1/stream`); unset: the confirm model in both roles (single-model mode).',
    }),
    draftAudioContext: setting({
      env: 'EARSHOT_LIVE_DRAFT_AUDIO_CONTEXT',
      default: 'content' as 'content' | 'full',
      parse: oneOf(['content', 'full'] as const),
      description:
        "Audio the draft encoder sees: `content` (the pass's own audio, fast) or `full` (a 30 s window, as OpenAI).",
    }),
    confirmAudioContext: setting({
      env: 'EARSHOT_LIVE_CONFIRM_AUDIO_CONTEXT',
      default: 'full' as 'content' | 'full',
      parse: oneOf(['content', 'full'] as const),
      description:
        'Audio the confirm encoder sees: `full` (30 s windows, the accuracy Whisper was trained for) or `content` (faster, less accurate).',
    }),
    draftStepMs: setting({
      env: 'EARSHOT_LIVE_DRAFT_STEP_MS',
      default: 250,
      parse: integer({ min: 20, max: 10_000 }),
      description: 'New audio between draft passes, in milliseconds.',
    }),
    confirmStepMs: setting({
      env: 'EARSHOT_LIVE_CONFIRM_STEP_MS',
      default: 1000,
      parse: integer({ min: 100, max: 30_000 }),
      description:
        'New audio between confirm passes, in milliseconds (endpoints also trigger one).',
    }),
    agreement: setting({
      env: 'EARSHOT_LIVE_AGREEMENT',
      default: 2,
      parse: integer({ min: 1, max: 5 }),
      description: 'Successive confirm hypotheses that must agree before words are committed.',
    }),
    holdBack: setting({
      env: 'EARSHOT_LIVE_HOLD_BACK',
      default: 1,
      parse: integer({ min: 0, max: 10 }),
      description: 'Trailing draft words withheld: more means less flicker and more latency.',
    }),
    trimAfterS: setting({
      env: 'EARSHOT_LIVE_TRIM_AFTER_S',
      default: 15,
      parse: integer({ min: 2, max: 60 }),
      description:
        'Buffer length at which a long utterance is cut at the last confirmed word (a final is emitted).',
    }),
    vad: setting({
      env: 'EARSHOT_LIVE_VAD',
      default: true,
      parse: boolean(),
      description:
        'Close utterances where voice activity detection (the `vad` settings) finds speech end.',
    }),
    endpointSilenceMs: setting({
      env: 'EARSHOT_LIVE_ENDPOINT_MS',
      default: 500,
      parse: integer({ min: 100, max: 10_000 }),
      description: 'Silence that closes an utterance in live transcription, in milliseconds.',
    }),
    maxBufferS: setting({
      env: 'EARSHOT_LIVE_MAX_BUFFER_S',
      default: 25,
      parse: integer({ min: 4, max: 120 }),
      description:
        'Buffer length at which words are committed without agreement, so memory and compute stay bounded.',
    }),
  },
  server: {
    host: setting({
      env: 'EARSHOT_HOST',
      default: '127.0.0.1',
      parse: string({ nonEmpty: true }),
      description:
        'Address `earshot serve` listens on. The default answers this machine only; `0.0.0.0` opens it to the network.',
    }),
    port: setting({
      env: 'EARSHOT_PORT',
      default: 8000,
      parse: integer({ min: 0, max: 65_535 }),
      description: 'TCP port of `earshot serve` (0 picks a free one).',
    }),
    apiKeys: setting({
      env: 'EARSHOT_API_KEYS',
      default: [] as string[],
      parse: list(),
      description:
        'API keys the server accepts (`Authorization: Bearer KEY` or `X-API-Key: KEY`); empty: no authentication.',
      secret: true,
    }),
    corsOrigins: setting({
      env: 'EARSHOT_CORS_ORIGINS',
      default: [] as string[],
      parse: list(),
      description:
        'Browser origins allowed to call the API (`https://app.example`, or `*` for any); empty: no cross-origin access.',
    }),
    uploadLimitMb: setting({
      env: 'EARSHOT_UPLOAD_LIMIT_MB',
      default: 25,
      parse: number({ min: 0.001, max: 1_048_576 }),
      description:
        'Largest uploaded audio file, in megabytes (MB = 1,000,000 bytes); larger uploads get 413.',
    }),
    requestTimeoutS: setting({
      env: 'EARSHOT_REQUEST_TIMEOUT_S',
      default: 3600,
      parse: number({ min: 0 }),
      description:
        'Longest time one request may take, waiting in the queue included, before it is abandoned with 408; 0: no limit.',
    }),
    modelConcurrency: setting({
      env: 'EARSHOT_MODEL_CONCURRENCY',
      default: 1,
      parse: integer({ min: 1, max: 1024 }),
      description:
        'Requests one model works on at once; more wait in its queue. On a CPU, 1 gives the best throughput.',
    }),
    queueLength: setting({
      env: 'EARSHOT_QUEUE_LENGTH',
      default: 16,
      parse: integer({ min: 0, max: 100_000 }),
      description:
        'Requests that may wait for a busy model; beyond that the server answers 429 with Retry-After.',
    }),
    rateLimitPerMinute: setting({
      env: 'EARSHOT_RATE_LIMIT_PER_MINUTE',
      default: 0,
      parse: integer({ min: 0 }),
      description:
        'Requests per minute allowed per API key (per client address without keys), as a token bucket; 0: no limit.',
    }),
    models: setting({
      env: 'EARSHOT_MODELS',
      default: [] as string[],
      parse: list(),
      description:
        'Further models clients may choose per request besides `asr.model` (hub ids or local folders); `/ready` checks that each can be loaded.',
    }),
    modelAliases: setting({
      env: 'EARSHOT_MODEL_ALIASES',
      default: {} as Record<string, string>,
      parse: mapping(),
      description:
        'Extra model names, as `alias=model` pairs. `whisper-1`, `gpt-4o-transcribe` and `gpt-4o-mini-transcribe` name the default model (`asr.model`) unless set here.',
    }),
    shutdownGraceS: setting({
      env: 'EARSHOT_SHUTDOWN_GRACE_S',
      default: 30,
      parse: number({ min: 0 }),
      description:
        'On SIGINT/SIGTERM, how long requests in progress may take to finish before they are cancelled.',
    }),
    modelWorkers: setting({
      env: 'EARSHOT_MODEL_WORKERS',
      default: true,
      parse: boolean(),
      description:
        "Run each speech recognition model in a worker thread of its own, so that inference (which holds the thread running it) never stalls the server's requests, sockets and health checks.",
    }),
    maxSockets: setting({
      env: 'EARSHOT_MAX_SOCKETS',
      default: 64,
      parse: integer({ min: 1 }),
      description:
        'WebSocket sessions (`/v1/realtime`, `/v1/stream`) open at once; further connections are refused with 429.',
    }),
    realtimeMaxAudioS: setting({
      env: 'EARSHOT_REALTIME_MAX_AUDIO_S',
      default: 300,
      parse: number({ min: 1 }),
      description:
        'Seconds of audio one realtime session may hold untranscribed (its input buffer and the turns waiting for the model); appends beyond it get an `input_audio_buffer_full` error event.',
    }),
    streamMaxAudioS: setting({
      env: 'EARSHOT_STREAM_MAX_AUDIO_S',
      default: 14_400,
      parse: number({ min: 1 }),
      description:
        'Seconds of audio one `/v1/stream` session may send in all; audio beyond it gets an `audio_too_long` error event (the client ends the stream to get its last final).',
    }),
  },
  tts: {
    engine: setting({
      env: 'EARSHOT_TTS_ENGINE',
      default: 'espeak-ng',
      parse: string({ nonEmpty: true }),
      description:
        'Speech engine used when a request names none, or names an OpenAI model (tts-1, tts-1-hd, gpt-4o-mini-tts).',
    }),
    voice: setting({
      env: 'EARSHOT_TTS_VOICE',
      default: null as string | null,
      parse: optionalString(),
      description: "Voice used when a request names none. Default: the engine's own default.",
    }),
    kokoroDtype: setting({
      env: 'EARSHOT_TTS_KOKORO_DTYPE',
      default: 'q8' as (typeof MODEL_KINDS.kokoro.dtypes)[number],
      parse: oneOf(MODEL_KINDS.kokoro.dtypes),
      description:
        'Weight format of Kokoro models (fp32 325 MB, fp16, q8 92 MB and fast on CPU, uint8, q4, q4f16).',
    }),
    maxInputChars: setting({
      env: 'EARSHOT_TTS_MAX_INPUT_CHARS',
      default: 4096,
      parse: integer({ min: 1, max: 1_000_000 }),
      description: 'Longest text one speech request may hold, in characters (OpenAI allows 4096).',
    }),
  },
  vad: {
    model: setting({
      env: 'EARSHOT_VAD_MODEL',
      default: 'v5' as 'v5' | 'v6',
      parse: oneOf(['v5', 'v6'] as const),
      description:
        'Silero VAD version, loaded from the ONNX files shipped in the @ricky0123/vad-web package.',
    }),
    modelPath: setting({
      env: 'EARSHOT_VAD_MODEL_PATH',
      default: null as string | null,
      parse: optionalString(),
      description:
        'A Silero VAD v5/v6 ONNX file to use instead of the packaged one (same inputs input/state/sr).',
    }),
    threshold: setting({
      env: 'EARSHOT_VAD_THRESHOLD',
      default: 0.5,
      parse: number({ min: 0.01, max: 1 }),
      description:
        'Speech probability at which speech starts; it ends below threshold − 0.15 (hysteresis).',
    }),
    minSpeechMs: setting({
      env: 'EARSHOT_VAD_MIN_SPEECH_MS',
      default: 250,
      parse: integer({ min: 0, max: 60_000 }),
      description: 'Speech regions shorter than this are dropped.',
    }),
    minSilenceMs: setting({
      env: 'EARSHOT_VAD_MIN_SILENCE_MS',
      default: 100,
      parse: integer({ min: 0, max: 60_000 }),
      description: 'Silence that must pass before a speech region ends.',
    }),
    speechPadMs: setting({
      env: 'EARSHOT_VAD_SPEECH_PAD_MS',
      default: 30,
      parse: integer({ min: 0, max: 10_000 }),
      description: 'Audio kept on each side of a speech region.',
    }),
    maxSpeechS: setting({
      env: 'EARSHOT_VAD_MAX_SPEECH_S',
      default: 0,
      parse: number({ min: 0 }),
      description:
        "Longest speech region in seconds; longer ones are split at their longest pause (Silero's rules). 0: no limit.",
    }),
  },
} as const;

export type Settings = typeof settings;

/** The typed configuration object built from `settings`. */
export type Config = {
  readonly [Section in keyof Settings]: {
    readonly [Key in keyof Settings[Section]]: Settings[Section][Key] extends Setting<infer T>
      ? T
      : never;
  };
};
