/**
 * Remembers what `complete` answered for each final key, so a retried or repeated `complete`
 * gets the first answer and `onComplete` runs once per object. Share one store (Redis, a
 * database) between server instances; `memoryCompletionStore` is the single-process default.
 */
export interface CompletionStore {
  /** The stored answer for a key, or `undefined`. */
  get(key: string): unknown | Promise<unknown>;
  /** Stores the answer for a key. `ttlMs`: how long retries may still come. */
  set(key: string, result: unknown, ttlMs: number): void | Promise<void>;
}

/** Options of {@link memoryCompletionStore}. */
export interface MemoryCompletionStoreOptions {
  /**
   * Most answers kept; the oldest go first.
   * @default 10000
   */
  max?: number;
  /** @default Date.now */
  now?: () => number;
}

/** A {@link CompletionStore} in process memory, bounded in entries and time. */
export function memoryCompletionStore(options: MemoryCompletionStoreOptions = {}): CompletionStore {
  const max = options.max ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { result: unknown; expires: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry && entry.expires <= now()) entries.delete(key);
      return entry && entry.expires > now() ? entry.result : undefined;
    },
    set(key, result, ttlMs) {
      entries.delete(key);
      entries.set(key, { result, expires: now() + ttlMs });
      // Maps iterate in insertion order: the first key is the oldest.
      while (entries.size > max) entries.delete(entries.keys().next().value as string);
    },
  };
}
