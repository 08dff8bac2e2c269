/**
 * Storage asking to slow down (429, or 503 SlowDown, which S3 sends when a prefix takes more
 * requests than it can) lowers the number of requests in flight; successes raise it again.
 * Additive increase, multiplicative decrease, as TCP does: the limit halves on each throttle
 * (never below 2, the least that keeps one PUT's setup overlapping another's bytes), then grows by one after as many
 * successes in a row as the limit it has, up to the limit the app set.
 */
export function createCongestion(limit: number, apply: (limit: number) => void) {
  let ceiling = limit;
  let current = limit;
  let successes = 0;
  return {
    /** The app's limit; the current one follows it down at once, and up by successes. */
    setCeiling(limit: number): void {
      ceiling = limit;
      current = Math.min(current, limit);
      successes = 0;
    },
    throttled(): void {
      const next = Math.max(Math.min(2, ceiling), Math.floor(current / 2));
      successes = 0;
      if (next >= current) return;
      current = next;
      apply(current);
    },
    succeeded(): void {
      if (current >= ceiling || ++successes < current) return;
      successes = 0;
      current++;
      apply(current);
    },
    get current(): number {
      return current;
    },
  };
}
