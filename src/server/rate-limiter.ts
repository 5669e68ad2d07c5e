/**
 * Requests per minute per client, as a token bucket: each key may burst up to its per-minute
 * allowance, and tokens come back continuously. Time comes from the injected clock.
 */
import { type Clock, systemClock } from './clock.js';

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until the next request would be allowed (when refused). */
  retryAfterS: number;
  remaining: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Buckets kept before full (idle) ones are forgotten. */
const MAX_KEYS = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.perMs = perMinute / 60_000;
  }

  take(key: string): RateLimitDecision {
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= MAX_KEYS) this.forgetIdle(now);
      bucket = { tokens: this.perMinute, updatedMs: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updatedMs) * this.perMs);
    bucket.updatedMs = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterS: 0, remaining: Math.floor(bucket.tokens) };
    }
    const retryAfterS = Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
    return { allowed: false, retryAfterS, remaining: 0 };
  }

  private forgetIdle(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedMs) * this.perMs >= this.perMinute)
        this.buckets.delete(key);
    }
  }
}
