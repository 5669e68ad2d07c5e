/**
 * WebSocket support (`@fastify/websocket`): upgrade requests go through Fastify's router and root
 * hooks like any request, so API keys, rate limits and error shapes apply before the upgrade, and
 * a refused upgrade is an ordinary HTTP answer (401, 429, …). On shutdown every open session is
 * asked to finish and close with 1001; the server's close waits for their connections.
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { SocketSessions } from '../socket-sessions.js';

/**
 * Largest client message. OpenAI caps one `input_audio_buffer.append` at 15 MiB of audio;
 * its base64 text is a third larger. Larger messages close the socket with 1009.
 */
export const MAX_MESSAGE_BYTES = 21 * 1024 * 1024;

const API_KEY_PROTOCOL = 'openai-insecure-api-key.';

/**
 * The subprotocol the server answers with. Clients that send their API key as a subprotocol
 * (browsers cannot set headers) also offer a real one such as `realtime`; that one is chosen, so
 * the key is not echoed back when there is a choice.
 */
export function chooseProtocol(offered: Set<string>): string | false {
  const real = [...offered].find((protocol) => !protocol.startsWith(API_KEY_PROTOCOL));
  return real ?? offered.values().next().value ?? false;
}

export async function installWebSocket(
  app: FastifyInstance,
  sessions: SocketSessions,
): Promise<void> {
  await app.register(websocket, {
    options: { maxPayload: MAX_MESSAGE_BYTES, handleProtocols: chooseProtocol },
    preClose(done) {
      // Sessions finish in the background; the server's own close waits for their connections.
      void sessions.shutdown();
      this.websocketServer.close();
      done();
    },
    errorHandler(error, socket, request) {
      // Errors on an established socket are the peer's doing (a broken frame, a message over the
      // limit): `ws` has already answered with the right close code.
      request.log.warn({ err: { message: error.message } }, 'websocket error');
      if (socket.readyState === socket.OPEN) socket.close(1011, 'internal error');
    },
  });
}
