/**
 * Builds the HTTP server from injected dependencies: plugins (CORS, auth, rate limits, request
 * bodies, metrics, logging, documentation, error shapes) and then every route module. `close()`
 * shuts down gracefully: new connections are refused, requests in progress may finish within
 * the grace period, then remaining work is cancelled and the models are closed.
 */
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { EarshotError } from '../errors.js';
import { SessionPool, sessionPoolOptions } from '../models/session-pool.js';
import { createSpeechModel } from '../tts/registry.js';
import { sileroVadFromConfig } from '../vad/silero.js';
import { Admission } from './admission.js';
import { systemClock } from './clock.js';
import { ServerMetrics } from './metrics.js';
import { installAuth } from './plugins/auth.js';
import { installCancellation } from './plugins/cancellation.js';
import { installDocs } from './plugins/docs.js';
import { sendError, useErrorShape } from './plugins/errors.js';
import { installRequestMetrics, RequestLogController } from './plugins/observability.js';
import { installRateLimit } from './plugins/rate-limit.js';
import { installRequestBody } from './plugins/request-body.js';
import { installWebSocket } from './plugins/websocket.js';
import { ROUTE_MODULES } from './routes/index.js';
import { SocketSessions } from './socket-sessions.js';
import type { ErrorSurface, RouteModule, ServerContext, ServerDependencies } from './types.js';

export interface BuildServerOptions {
  /** Route modules to mount; default: all of them. */
  routes?: readonly RouteModule[];
}

export interface EarshotServer {
  app: FastifyInstance;
  context: ServerContext;
  /** Starts listening; resolves with the base URL (`http://127.0.0.1:8000`). */
  listen(options?: { host?: string; port?: number }): Promise<string>;
  /**
   * Graceful shutdown: refuses new requests, lets requests in progress finish for `graceS`
   * seconds (default `server.shutdownGraceS`), cancels what is left, closes the models.
   */
  close(graceS?: number): Promise<void>;
}

function surfaceOf(url: string, modules: readonly RouteModule[]): ErrorSurface {
  const owner = modules.find((module) => module.prefix && url.startsWith(`${module.prefix}/`));
  return owner?.surface ?? 'operations';
}

export async function buildServer(
  dependencies: ServerDependencies,
  options: BuildServerOptions = {},
): Promise<EarshotServer> {
  const { config, logger, models } = dependencies;
  const clock = dependencies.clock ?? systemClock;
  const routes = options.routes ?? ROUTE_MODULES;
  const shutdown = new AbortController();
  const metrics = new ServerMetrics();
  const admission = new Admission({
    concurrency: config.server.modelConcurrency,
    queueLength: config.server.queueLength,
    clock,
  });
  admission.onChange((model, state) => metrics.setModelLoad(model, state.active, state.queued));
  models.onLoad((event) => metrics.observeModelLoad(event.modelId, event.ok, event.seconds));
  // Without an injected VAD the server runs its own Silero, on a pool it closes itself. One
  // thread per call is Silero's fastest (its frames are tiny), and leaves the cores to Whisper.
  const vadPool = dependencies.vad
    ? null
    : new SessionPool({ ...sessionPoolOptions(config), intraOpThreads: 1, interOpThreads: 1 });
  const vad = dependencies.vad ?? sileroVadFromConfig(config, vadPool as SessionPool);
  const context: ServerContext = {
    config,
    logger,
    models,
    speech: dependencies.speech ?? ((name) => createSpeechModel(name, { config, logger })),
    admission,
    metrics,
    clock,
    shutdown: shutdown.signal,
    sockets: new SocketSessions(config.server.maxSockets, metrics),
    vad,
  };

  const timeoutMs = Math.round(config.server.requestTimeoutS * 1000);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new RequestLogController(),
    // Multipart bodies have their own limits; this one caps JSON and other small bodies.
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Malformed URLs (bad percent-encoding) are answered in the shape of the API they aimed at.
    frameworkErrors: (error, request, reply) => {
      sendError(request, reply, error, surfaceOf(request.url, routes));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((error, request, reply) =>
    sendError(request, reply, error, surfaceOf(request.url, routes)),
  );
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new EarshotError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`),
      surfaceOf(request.url, routes),
    ),
  );

  const origins = config.server.corsOrigins;
  await app.register(cors, {
    origin: origins.length === 0 ? false : origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type'],
    exposedHeaders: ['Retry-After', 'Content-Disposition'],
  });
  // First among the hooks: an upgrade refused by a later hook (API key, rate limit) must still be
  // known as one, so that its connection is closed after the answer.
  await installWebSocket(app, context.sockets);
  installCancellation(app, { timeoutMs, shutdown: shutdown.signal, clock });
  installAuth(app, config.server.apiKeys);
  installRateLimit(app, config.server.rateLimitPerMinute, clock);
  installRequestMetrics(app, metrics);
  await installRequestBody(app, {
    fileSizeLimit: Math.round(config.server.uploadLimitMb * 1_000_000),
  });
  await installDocs(app);
  // (Root hooks go before the routes, so that every route inherits them.) While shutting down,
  // a response that ends leaves its keep-alive connection open, which would keep the server
  // from closing: such connections are told to close, and closed.
  let closing = false;
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async () => {
    if (closing) setImmediate(() => app.server.closeIdleConnections());
  });
  app.addHook('onClose', async () => {
    await models.close();
    await vadPool?.close();
  });

  for (const module of routes) {
    await app.register(async (scope) => {
      useErrorShape(scope, module.surface);
      await module.register(scope.withTypeProvider<TypeBoxTypeProvider>(), { context });
    });
  }
  await app.ready();

  return {
    app,
    context,
    async listen(listenOptions = {}) {
      return app.listen({
        host: listenOptions.host ?? config.server.host,
        port: listenOptions.port ?? config.server.port,
      });
    },
    async close(graceS = config.server.shutdownGraceS) {
      const cancel = clock.setTimeout(
        () =>
          shutdown.abort(
            new EarshotError(
              'server_shutting_down',
              'The server is shutting down; the request was cancelled.',
            ),
          ),
        graceS * 1000,
      );
      closing = true;
      try {
        await app.close();
      } finally {
        cancel();
      }
    },
  };
}
