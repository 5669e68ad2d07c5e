/**
 * Error responses: every failure goes through `toHttpError` and is rendered in the shape of the
 * API surface the route belongs to (OpenAI's, whisper-asr-webservice's, or Fastify's). Stack
 * traces never reach a client; server-side failures are logged with their cause.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  bazarrErrorBody,
  fastifyErrorBody,
  type HttpError,
  openAiErrorBody,
  toHttpError,
} from '../http-errors.js';
import type { ErrorSurface } from '../types.js';

const BODIES: Record<ErrorSurface, (error: HttpError) => unknown> = {
  openai: openAiErrorBody,
  bazarr: bazarrErrorBody,
  operations: fastifyErrorBody,
};

/** Sends `error` in `surface`'s shape, with Retry-After and WWW-Authenticate where they apply. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  surface: ErrorSurface,
): FastifyReply {
  const http = toHttpError(error);
  const { status, details } = http.error;
  if (status >= 500) request.log.error({ err: http.error.cause ?? http.error }, http.error.message);
  if (typeof details['retryAfterS'] === 'number') {
    reply.header('retry-after', String(details['retryAfterS']));
  }
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  // A refused upload may still be arriving (too large, or refused before it was read): closing
  // the connection stops it cleanly instead of reading the rest of a body nobody will use.
  if (!request.raw.complete) reply.header('connection', 'close');
  return reply.status(status).type('application/json; charset=utf-8').send(BODIES[surface](http));
}

/** Makes the routes of `app` (an encapsulated scope) answer errors in `surface`'s shape. */
export function useErrorShape(app: FastifyInstance, surface: ErrorSurface): void {
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error, surface));
}
