import { HttpError } from './httpError.js';

/** The answer of a rate limiter. */
export interface RateLimitResult {
  allowed: boolean;
  /** How long to wait before trying again, when refused. */
  retryAfterMs: number;
}

/**
 * Counts requests per key (the user id). Implement it over Redis or a database to share limits
 * between server instances; `memoryRateLimiter` is the single-process default.
 */
export interface RateLimiter {
  consume(key: string): RateLimitResult | Promise<RateLimitResult>;
}

const OVERFLOW = Symbol('keys past maxKeys');

/** Options of {@link memoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /**
   * Requests allowed per window and key.
   * @default 600
   */
  limit?: number;
  /**
   * Window length in ms.
   * @default 60000
   */
  windowMs?: number;
  /**
   * Keys counted apart in one window at most (about 150 bytes a key). Past it, new keys share
   * one count until the window ends, so memory stays bounded when keys are minted (many client
   * addresses) and they are still limited.
   * @default 100000
   */
  maxKeys?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * A fixed-window limiter in process memory. All keys share the window: when it ends, the counts
 * are dropped at once (no sweep), so memory stays proportional to the keys of one window.
 */
export function memoryRateLimiter(options: MemoryRateLimiterOptions = {}): {
  consume(key: string): RateLimitResult;
} {
  const limit = options.limit ?? 600;
  const windowMs = options.windowMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? Date.now;
  let counts = new Map<string | symbol, number>();
  let windowEnd = now() + windowMs;
  return {
    consume(key) {
      const t = now();
      if (t >= windowEnd) {
        counts = new Map();
        windowEnd = t + windowMs;
      }
      // Past maxKeys, new keys share one count: memory stays bounded, and minted keys (many
      // client addresses) do not pass uncounted.
      const counted = counts.has(key) || counts.size < maxKeys ? key : OVERFLOW;
      const count = (counts.get(counted) ?? 0) + 1;
      counts.set(counted, count);
      const allowed = count <= limit;
      return { allowed, retryAfterMs: allowed ? 0 : windowEnd - t };
    },
  };
}

/** The answer to a refused request: `Retry-After` in whole seconds, at least 1. */
export function rateLimited(retryAfterMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(429, 'rate-limited', `Too many upload requests. Try again in ${seconds} s.`, {
    'retry-after': String(seconds),
  });
}
