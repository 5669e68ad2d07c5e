/**
 * What every WebSocket route shares: the upgrade is a GET that passes through the root hooks (API
 * key, rate limit) and the route's checks (query schema, `server.maxSockets`, anything the route
 * adds) before it is accepted, so refusals are ordinary HTTP answers; a GET without an upgrade is
 * answered 426. An accepted socket runs the route's protocol on a `SocketChannel`.
 */
import type { FastifyInstance, FastifyRequest, FastifySchema } from 'fastify';
import { EarshotError } from '../../errors.js';
import { SocketChannel, type SocketProtocol } from '../socket-channel.js';
import type { ServerContext } from '../types.js';

export interface SocketRouteOptions {
  url: string;
  /** OpenAPI description of the route: query string, upgrade, error answers. */
  schema: FastifySchema;
  /** Checks before the upgrade; throwing refuses it with an HTTP error (an unknown model: 404). */
  check?: (request: FastifyRequest) => void;
  /** The session protocol an accepted socket runs. */
  protocol: (channel: SocketChannel, request: FastifyRequest) => SocketProtocol;
}

export function registerSocketRoute(
  app: FastifyInstance,
  context: ServerContext,
  options: SocketRouteOptions,
): void {
  app.route({
    method: 'GET',
    url: options.url,
    schema: options.schema,
    preHandler: async (request) => {
      if (!request.ws) return;
      options.check?.(request);
      context.sockets.admit(options.url, request.raw);
    },
    handler: async (_request, reply) => {
      reply.header('upgrade', 'websocket');
      throw new EarshotError(
        'upgrade_required',
        `${options.url} is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket).`,
      );
    },
    wsHandler: (socket, request) => {
      const channel = new SocketChannel(socket, {
        route: options.url,
        logger: request.log,
        metrics: context.metrics,
        sessions: context.sockets,
        clock: context.clock,
      });
      channel.run(options.protocol(channel, request));
    },
  });
}
