/**
 * One log line per request, without content (method, route pattern, path without its query
 * string, status, duration, and the error code when it failed), and the request metrics. Query
 * strings and bodies may hold prompts or file names, so they are never logged.
 */
import {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { ServerMetrics } from '../metrics.js';

/** The route pattern, so that metrics have one series per route rather than per URL. */
export function routeLabel(request: FastifyRequest): string {
  return request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
}

/** Replaces Fastify's two request log lines (with full URLs) by one line without content. */
export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'reqId' });
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const status = reply.statusCode;
    const line = {
      method: request.method,
      route: routeLabel(request),
      path: request.url.split('?')[0],
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...(error ? { error: (error as { code?: string }).code ?? error.name } : {}),
    };
    if (status >= 500) reply.log.error(line, 'request failed');
    else reply.log.info(line, 'request');
  }

  override routeNotFound(): void {}
}

export function installRequestMetrics(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(
      request.method,
      routeLabel(request),
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
}
