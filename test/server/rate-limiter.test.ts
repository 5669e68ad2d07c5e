import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/server/rate-limiter.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('RateLimiter', () => {
  it('allows a burst of the per-minute allowance, then refuses with the wait for one token', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(6, clock);
    const decisions = Array.from({ length: 7 }, () => limiter.take('key-1'));
    expect(decisions.map((decision) => decision.allowed)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(decisions[6]?.retryAfterS).toBe(10);
    clock.advance(9_000);
    expect(limiter.take('key-1').allowed).toBe(false);
    clock.advance(1_000);
    expect(limiter.take('key-1').allowed).toBe(true);
  });

  it('counts each key separately', () => {
    const limiter = new RateLimiter(1, new ManualClock());
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });
});
