import { HttpError } from './httpError';
import type { RateLimiter } from './rateLimiter';

const MAX_BLOCKED = 100_000;

function limited(retryAfterMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(429, 'rate-limited', `Too many upload requests. Try again in ${seconds} s.`, {
    'retry-after': String(seconds),
  });
}

/**
 * Limits requests that fail authorization, per client address. An address past its limit is
 * refused before `authorize` runs (so a flood costs no session lookups) until its window ends.
 * Signed-in traffic never counts, so users behind one proxy or NAT do not throttle each other.
 */
export function createAnonymousGate(limiter: RateLimiter | undefined, now: () => number) {
  // Address -> when it may try again. Insertion order is age order.
  const blocked = new Map<string, number>();
  return {
    /** Before `authorize`: refuses an address that is blocked. */
    check(address: string | null | undefined): void {
      if (!address) return;
      const until = blocked.get(address);
      if (until === undefined) return;
      if (until > now()) throw limited(until - now());
      blocked.delete(address);
    },
    /** After `authorize` refused: counts it, and blocks the address once past the limit. */
    async refused(address: string | null | undefined): Promise<void> {
      if (!address || !limiter) return;
      const { allowed, retryAfterMs } = await limiter.consume(`anonymous:${address}`);
      if (allowed) return;
      blocked.delete(address);
      blocked.set(address, now() + retryAfterMs);
      if (blocked.size > MAX_BLOCKED) {
        const t = now();
        for (const [key, until] of blocked) if (until <= t) blocked.delete(key);
        while (blocked.size > MAX_BLOCKED) blocked.delete(blocked.keys().next().value as string);
      }
      throw limited(retryAfterMs);
    },
  };
}
