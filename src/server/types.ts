/**
 * What a server is built from and what its route modules receive. Everything is injected: the
 * configuration, the logger, the model registry and the clock, so tests build servers around
 * scripted models and manual clocks without touching globals.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config/index.js';
import type { Logger } from '../logging.js';
import type { SpeechModel } from '../tts/speech-model.js';
import type { VadModel } from '../vad/vad-model.js';
import type { Admission } from './admission.js';
import type { Clock } from './clock.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelRegistry } from './model-registry.js';
import type { SocketSessions } from './socket-sessions.js';

/**
 * Finds the speech model a request names: an OpenAI name or nothing (the `tts.engine` default),
 * an engine, or `engine:model`. Unknown names fail with `model_not_found`.
 */
export type SpeechModelSource = (name: string | null | undefined) => Promise<SpeechModel>;

export interface ServerDependencies {
  config: Config;
  logger: Logger;
  models: ModelRegistry;
  /** Speech models (default: the engine registry with a store and pool made from `config`). */
  speech?: SpeechModelSource;
  clock?: Clock;
  /**
   * The VAD behind realtime turn detection. Default: Silero as the `vad` settings say, on a
   * session pool of the server's own (closed with the server).
   */
  vad?: VadModel;
}

/** What every route module gets. */
export interface ServerContext {
  config: Config;
  logger: Logger;
  models: ModelRegistry;
  speech: SpeechModelSource;
  admission: Admission;
  metrics: ServerMetrics;
  clock: Clock;
  /** Aborted when a shutdown's grace period is over: work still running must stop. */
  shutdown: AbortSignal;
  /** Open WebSocket sessions: admission (`server.maxSockets`) and shutdown. */
  sockets: SocketSessions;
  vad: VadModel;
}

/** Which error shape a group of routes answers in. */
export type ErrorSurface = 'openai' | 'bazarr' | 'operations';

/**
 * A group of routes. Add a feature's HTTP API by writing one of these and listing it in
 * `ROUTE_MODULES` (src/server/routes/index.ts).
 */
export interface RouteModule {
  name: string;
  /** The error shape of these routes (and of unknown paths under `prefix`). */
  surface: ErrorSurface;
  /** Path prefix whose unknown routes answer 404 in this module's error shape. */
  prefix?: string;
  register: FastifyPluginAsyncTypebox<{ context: ServerContext }>;
}

/** An uploaded file, read into memory (uploads are capped by `server.uploadLimitMb`). */
export interface Upload {
  data: Buffer;
  filename: string;
  mimetype: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Files of a multipart request, by field name (routes name their fields in `config.uploads`). */
    uploads: Record<string, Upload>;
    /** Which configured API key authenticated the request (`key-1`, …), never the key itself. */
    apiKeyId: string | null;
    /** Aborts the request's work: past its deadline, client gone, or server shutting down. */
    cancellation: AbortSignal;
  }
  interface FastifyContextConfig {
    /** Multipart file fields this route takes; the request must then be multipart/form-data. */
    uploads?: readonly string[];
    /** Reachable without an API key and not rate limited (health checks, documentation). */
    public?: boolean;
  }
}
