/**
 * Rate limits per API key (per client address when the server has no keys): a token bucket of
 * `server.rateLimitPerMinute` requests. Refusals are 429 `rate_limited` with Retry-After.
 */
import type { FastifyInstance } from 'fastify';
import { InvalidRequestError } from '../../errors.js';
import type { Clock } from '../clock.js';
import { RateLimiter } from '../rate-limiter.js';
import { isPublic } from './auth.js';

export function installRateLimit(app: FastifyInstance, perMinute: number, clock: Clock): void {
  if (perMinute <= 0) return;
  const limiter = new RateLimiter(perMinute, clock);
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS' || isPublic(request)) return;
    const decision = limiter.take(request.apiKeyId ?? `ip:${request.ip}`);
    reply.header('x-ratelimit-limit-requests', String(perMinute));
    reply.header('x-ratelimit-remaining-requests', String(decision.remaining));
    if (!decision.allowed) {
      throw new InvalidRequestError(
        'rate_limited',
        `Rate limit reached: ${perMinute} requests per minute. Retry in ${decision.retryAfterS} s.`,
        { details: { retryAfterS: decision.retryAfterS } },
      );
    }
  });
}
