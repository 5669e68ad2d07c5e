/**
 * API keys. With `server.apiKeys` set, every route except public ones needs one of them, as
 * `Authorization: Bearer KEY` or `X-API-Key: KEY` (WebSocket clients, which cannot set headers
 * in browsers, may send it as the subprotocol `openai-insecure-api-key.KEY` or the `api_key`
 * query parameter). Keys are compared in constant time through their hashes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidRequestError } from '../../errors.js';

const SUBPROTOCOL_PREFIX = 'openai-insecure-api-key.';

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** The key a request presents, from wherever this kind of request may carry it. */
export function presentedKey(request: FastifyRequest): string | null {
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match ? (match[1] as string).trim() : null;
  }
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header.trim();
  if (request.headers.upgrade?.toLowerCase() === 'websocket') {
    const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((protocol) => protocol.trim());
    const fromProtocol = protocols.find((protocol) => protocol.startsWith(SUBPROTOCOL_PREFIX));
    if (fromProtocol) return fromProtocol.slice(SUBPROTOCOL_PREFIX.length);
    const query = request.query as Record<string, unknown> | undefined;
    if (typeof query?.['api_key'] === 'string') return query['api_key'];
  }
  return null;
}

export function installAuth(app: FastifyInstance, apiKeys: readonly string[]): void {
  app.decorateRequest('apiKeyId', null);
  if (apiKeys.length === 0) return;
  const digests = apiKeys.map(digest);
  app.addHook('onRequest', async (request) => {
    // CORS preflights carry no credentials by design; public routes need none.
    if (request.method === 'OPTIONS' || isPublic(request)) return;
    const key = presentedKey(request);
    if (key === null) {
      throw new InvalidRequestError(
        'unauthorized',
        'An API key is required: send it as "Authorization: Bearer KEY" or "X-API-Key: KEY".',
      );
    }
    const presented = digest(key);
    const index = digests.findIndex((known) => timingSafeEqual(known, presented));
    if (index < 0) throw new InvalidRequestError('unauthorized', 'The API key is not valid.');
    request.apiKeyId = `key-${index + 1}`;
  });
}

/** Health checks and documentation are open to everyone. */
export function isPublic(request: FastifyRequest): boolean {
  return (
    request.routeOptions.config.public === true ||
    (request.routeOptions.url ?? '').startsWith('/docs')
  );
}
