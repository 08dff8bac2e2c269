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
  /** @default Date.now */
  now?: () => number;
}

/**
 * A fixed-window limiter in process memory. Windows of keys that went quiet are dropped, so
 * memory stays proportional to active users.
 */
export function memoryRateLimiter(options: MemoryRateLimiterOptions = {}): {
  consume(key: string): RateLimitResult;
} {
  const limit = options.limit ?? 600;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  let windows = new Map<string, { start: number; count: number }>();
  let lastSweep = now();
  return {
    consume(key) {
      const t = now();
      if (t - lastSweep > windowMs) {
        windows = new Map([...windows].filter(([, w]) => t - w.start < windowMs));
        lastSweep = t;
      }
      let window = windows.get(key);
      if (!window || t - window.start >= windowMs) {
        window = { start: t, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      const allowed = window.count <= limit;
      return { allowed, retryAfterMs: allowed ? 0 : window.start + windowMs - t };
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
