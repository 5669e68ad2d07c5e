/**
 * `request.cancellation`: one signal that aborts a request's work when the request has taken
 * longer than `server.requestTimeoutS` (answered 408), when the client goes away, or when a
 * shutdown's grace period ends. Everything a request waits on (the model queue, decoding, the
 * model itself) listens to it.
 */
import type { FastifyInstance } from 'fastify';
import { InvalidRequestError } from '../../errors.js';
import type { Clock } from '../clock.js';

export interface CancellationOptions {
  /** 0: no time limit. */
  timeoutMs: number;
  shutdown: AbortSignal;
  clock: Clock;
}

export function installCancellation(app: FastifyInstance, options: CancellationOptions): void {
  app.decorateRequest('cancellation', null as unknown as AbortSignal);
  app.addHook('onRequest', async (request, reply) => {
    const controller = new AbortController();
    request.cancellation = AbortSignal.any([controller.signal, options.shutdown]);
    const cancelTimer =
      options.timeoutMs > 0
        ? options.clock.setTimeout(
            () =>
              controller.abort(
                new InvalidRequestError(
                  'request_timeout',
                  `The request took longer than ${options.timeoutMs / 1000} s (server.requestTimeoutS).`,
                ),
              ),
            options.timeoutMs,
          )
        : () => {};
    // The response closing before it finished means the client went away.
    reply.raw.once('close', () => {
      cancelTimer();
      if (!reply.raw.writableFinished) {
        controller.abort(new DOMException('The client closed the connection.', 'AbortError'));
      }
    });
  });
}
