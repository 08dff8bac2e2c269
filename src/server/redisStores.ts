import type { CompletionStore } from './completionStore.js';
import type { RateLimiter, RateLimitResult } from './rateLimiter.js';

/**
 * The one method upkit needs of a Redis client: send a command, get its reply (integers as
 * numbers, strings, `null`, arrays of those). A node-redis client (v4 to v6) is one as it is;
 * for ioredis pass `{ sendCommand: ([command, ...args]) => redis.call(command, ...args) }`.
 */
export interface RedisCommander {
  /** Sends one command (`['SET', key, value, 'PX', '1000']`); resolves to its reply, rejects on an error reply. */
  sendCommand(args: [command: string, ...args: string[]]): Promise<unknown>;
}

/** Options of {@link redisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** A connected client; share one per process. */
  client: RedisCommander;
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
   * Put before the SHA-256 (hex) of each counted key to name its Redis key.
   * @default 'upkit:rl:'
   */
  prefix?: string;
  /**
   * What to answer when Redis fails or does not answer in `timeoutMs`: `'deny'` refuses the
   * request with a 1 s `retryAfterMs` (a `429` the client retries), `'allow'` lets it through
   * unlimited.
   * @default 'deny'
   */
  onError?: 'allow' | 'deny';
  /**
   * Told of each Redis failure `onError` answered for, to log or alert; what it throws (or its
   * promise rejects with) is ignored.
   */
  onRedisError?: (error: unknown) => void;
  /**
   * How long one request waits for Redis before `onError` answers, in ms. A node-redis client
   * queues commands while it reconnects, so without it a lost Redis would stall every request.
   * @default 1000
   */
  timeoutMs?: number;
}

/** Options of {@link redisCompletionStore}. */
export interface RedisCompletionStoreOptions {
  /** A connected client; share one per process. */
  client: RedisCommander;
  /**
   * Put before the SHA-256 (hex) of each completion's key to name its Redis key.
   * @default 'upkit:done:'
   */
  prefix?: string;
  /**
   * How long `get` and `set` wait for Redis before they fail, in ms.
   * @default 5000
   */
  timeoutMs?: number;
}

// INCR and the expiry in one atomic step, so the window starts with its first request on any
// instance. A key found without expiry (PTTL -1) gets one too: a counter never lives forever.
const CONSUME = `local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

const ERROR_RETRY_AFTER_MS = 1000;

/**
 * A fixed-window {@link RateLimiter} kept in Redis, so every server instance counts against one
 * limit: the same windows and `retryAfterMs` as `memoryRateLimiter`, counted atomically by one
 * Lua script. When Redis fails, `onError` decides: refuse (the default) or let requests through.
 */
export function redisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const client = checkedClient(options.client);
  const limit = options.limit ?? 600;
  const windowMs = options.windowMs ?? 60_000;
  const prefix = options.prefix ?? 'upkit:rl:';
  const onError = options.onError ?? 'deny';
  const timeoutMs = checkedTimeout(options.timeoutMs ?? 1000);
  if (!(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new TypeError('upkit/server: `limit` must be a whole number of at least 0.');
  }
  if (!(Number.isSafeInteger(windowMs) && windowMs >= 1)) {
    throw new TypeError('upkit/server: `windowMs` must be a whole number of ms, at least 1.');
  }
  if (onError !== 'allow' && onError !== 'deny') {
    throw new TypeError("upkit/server: `onError` must be 'allow' or 'deny'.");
  }
  return {
    async consume(key): Promise<RateLimitResult> {
      try {
        const redisKey = prefix + (await digest(key));
        const reply = await within(
          timeoutMs,
          client.sendCommand(['EVAL', CONSUME, '1', redisKey, String(windowMs)]),
        );
        const [count, ttl] = Array.isArray(reply) ? reply.map(Number) : [];
        if (count === undefined || ttl === undefined || !(count >= 1 && ttl >= 0)) {
          throw new TypeError('upkit/server: unexpected Redis reply to the rate limit script.');
        }
        return count <= limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: ttl };
      } catch (error) {
        try {
          // An async logger's rejection would otherwise be unhandled, and end a Node process.
          const returned: unknown = options.onRedisError?.(error);
          if (returned instanceof Promise) returned.catch(() => undefined);
        } catch {
          // Ignored: a broken logger must not change the answer.
        }
        return onError === 'allow'
          ? { allowed: true, retryAfterMs: 0 }
          : { allowed: false, retryAfterMs: ERROR_RETRY_AFTER_MS };
      }
    },
  };
}

/**
 * A {@link CompletionStore} in Redis, so every server instance gives a retried `complete` the
 * first answer and `onComplete` runs once in all. Answers are JSON with a `PX` expiry. Redis
 * failures are thrown: `complete` then answers 500 and the client retries it.
 */
export function redisCompletionStore(options: RedisCompletionStoreOptions): CompletionStore {
  const client = checkedClient(options.client);
  const prefix = options.prefix ?? 'upkit:done:';
  const timeoutMs = checkedTimeout(options.timeoutMs ?? 5000);
  return {
    async get(key) {
      const reply = await within(timeoutMs, client.sendCommand(['GET', prefix + (await digest(key))]));
      if (reply === null || reply === undefined) return undefined;
      if (typeof reply === 'string') return JSON.parse(reply) as unknown;
      if (reply instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(reply)) as unknown;
      throw new TypeError('upkit/server: unexpected Redis reply to GET.');
    },
    async set(key, result, ttlMs) {
      // PX takes a whole number of ms, at least 1.
      const px = String(Math.max(1, Math.ceil(ttlMs)));
      const value = JSON.stringify(result) ?? 'null';
      await within(timeoutMs, client.sendCommand(['SET', prefix + (await digest(key)), value, 'PX', px]));
    },
  };
}

function checkedClient(client: RedisCommander): RedisCommander {
  if (typeof client?.sendCommand !== 'function') {
    throw new TypeError(
      'upkit/server: `client` must have `sendCommand(args)`: a node-redis client, or for ioredis `{ sendCommand: ([command, ...args]) => redis.call(command, ...args) }`.',
    );
  }
  return client;
}

function checkedTimeout(timeoutMs: number): number {
  if (!(Number.isSafeInteger(timeoutMs) && timeoutMs >= 1)) {
    throw new TypeError('upkit/server: `timeoutMs` must be a whole number of ms, at least 1.');
  }
  return timeoutMs;
}

/** The reply, or a rejection once `ms` have passed without one. */
async function within<T>(ms: number, reply: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`upkit/server: Redis did not answer in ${ms} ms.`)), ms);
  });
  try {
    return await Promise.race([reply, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// UTF-8 never contains the byte 0xff: strings with a lone surrogate (which UTF-8 cannot carry)
// are hashed as 0xff and their UTF-16 code units instead, so distinct keys never share a hash.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** SHA-256 (hex) of a key: any characters in, a fixed-length, printable Redis key out. */
async function digest(key: string): Promise<string> {
  let bytes: Uint8Array<ArrayBuffer>;
  if (LONE_SURROGATE.test(key)) {
    bytes = new Uint8Array(1 + 2 * key.length);
    bytes[0] = 0xff;
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < key.length; i++) view.setUint16(1 + 2 * i, key.charCodeAt(i), true);
  } else {
    bytes = new TextEncoder().encode(key);
  }
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(hash, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
