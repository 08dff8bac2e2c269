// @vitest-environment node
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redisCompletionStore, redisRateLimiter, type RedisCommander } from '../../src/server/index';

// The stores over stand-in clients: what they send and how they read replies and failures. The
// real server (atomicity, expiry, two instances) is tests/e2e/redis.test.ts.

type Args = [string, ...string[]];

/** A client that records every command and answers with `reply`. */
function recording(reply: (args: Args) => unknown) {
  const sent: Args[] = [];
  const client: RedisCommander = {
    sendCommand: async (args) => {
      sent.push(args);
      return reply(args);
    },
  };
  return { client, sent };
}

/** GET and SET over a Map, as Redis answers them. */
function mapClient() {
  const data = new Map<string, string>();
  return recording(([command, key, value]) => {
    if (command === 'GET') return data.get(key!) ?? null;
    if (command === 'SET') return data.set(key!, value!) && 'OK';
    throw new Error(`unexpected ${command}`);
  });
}

const failing: RedisCommander = { sendCommand: () => Promise.reject(new Error('ECONNREFUSED')) };
const silent: RedisCommander = { sendCommand: () => new Promise(() => undefined) };
const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('redisRateLimiter', () => {
  it('runs one script per request with the prefixed SHA-256 of the key and the window', async () => {
    const { client, sent } = recording(() => [1, 60_000]);
    const limiter = redisRateLimiter({ client, prefix: 'app:rl:' });
    expect(await limiter.consume('user-1')).toEqual({ allowed: true, retryAfterMs: 0 });
    expect(sent).toHaveLength(1);
    const [command, script, keyCount, key, windowMs] = sent[0]!;
    expect([command, keyCount, key, windowMs]).toEqual(['EVAL', '1', `app:rl:${sha256('user-1')}`, '60000']);
    expect(script).toMatch(/INCR/);
  });

  it('allows up to `limit` in a window, then refuses with the window’s remaining time', async () => {
    let count = 0;
    const { client } = recording(() => [++count, 1234]);
    const limiter = redisRateLimiter({ client, limit: 2, windowMs: 5000 });
    const answers = [await limiter.consume('u'), await limiter.consume('u'), await limiter.consume('u')];
    expect(answers).toEqual([
      { allowed: true, retryAfterMs: 0 },
      { allowed: true, retryAfterMs: 0 },
      { allowed: false, retryAfterMs: 1234 },
    ]);
  });

  it.each([
    { onError: 'deny' as const, answer: { allowed: false, retryAfterMs: 1000 } },
    { onError: 'allow' as const, answer: { allowed: true, retryAfterMs: 0 } },
    { onError: undefined, answer: { allowed: false, retryAfterMs: 1000 } },
  ])('Redis failing, onError $onError → $answer, and onRedisError is told', async ({ onError, answer }) => {
    const errors: unknown[] = [];
    const limiter = redisRateLimiter({
      client: failing,
      ...(onError ? { onError } : {}),
      onRedisError: (error) => errors.push(error),
    });
    expect(await limiter.consume('u')).toEqual(answer);
    expect(errors).toEqual([new Error('ECONNREFUSED')]);
  });

  it('Redis silent: refuses after `timeoutMs`, not before and not much later', async () => {
    const limiter = redisRateLimiter({ client: silent, timeoutMs: 150 });
    const started = performance.now();
    expect(await limiter.consume('u')).toEqual({ allowed: false, retryAfterMs: 1000 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('an unexpected reply (not [count, ttl]) is a failure, and a throwing onRedisError is ignored', async () => {
    for (const reply of ['OK', null, [], ['x', 5], [0, 5]]) {
      const limiter = redisRateLimiter({
        client: recording(() => reply).client,
        onRedisError: () => {
          throw new Error('logger broke');
        },
      });
      expect(await limiter.consume('u'), JSON.stringify(reply)).toEqual({
        allowed: false,
        retryAfterMs: 1000,
      });
    }
  });

  it('an async onRedisError that rejects changes nothing (and leaves no unhandled rejection)', async () => {
    const limiter = redisRateLimiter({
      client: failing,
      onRedisError: async () => {
        throw new Error('async logger broke');
      },
    });
    expect(await limiter.consume('u')).toEqual({ allowed: false, retryAfterMs: 1000 });
    // An unhandled rejection would surface here, failing the run.
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it.each([
    [{ limit: -1 }, /limit/],
    [{ limit: 1.5 }, /limit/],
    [{ windowMs: 0 }, /windowMs/],
    [{ timeoutMs: 0 }, /timeoutMs/],
    [{ onError: 'open' as 'allow' }, /onError/],
  ])('refuses options %o', (options, message) => {
    expect(() => redisRateLimiter({ client: failing, ...options })).toThrow(message);
  });

  it('refuses a client without sendCommand, naming the ioredis one-liner', () => {
    expect(() => redisRateLimiter({ client: {} as RedisCommander })).toThrow(/redis\.call/);
  });
});

describe('redisCompletionStore', () => {
  it('stores JSON under the prefixed SHA-256 of the key, with a whole-ms PX expiry', async () => {
    const { client, sent } = mapClient();
    const store = redisCompletionStore({ client });
    const answer = { result: { key: 'uploads/u/a.png', size: 3, nested: [1, 'two', null] } };
    await store.set('k', answer, 1500.2);
    expect(sent[0]).toEqual(['SET', `upkit:done:${sha256('k')}`, JSON.stringify(answer), 'PX', '1501']);
    expect(await store.get('k')).toEqual(answer);
    expect(await store.get('other')).toBeUndefined();
  });

  it('keys with NUL, other controls and lone surrogates never share a Redis key', async () => {
    const { client, sent } = mapClient();
    const store = redisCompletionStore({ client, prefix: 'p:' });
    const keys = ['a\u0000b', 'a\u0000c', 'a\u0001b', 'x\ud800', 'x\udc00', 'x\ufffd', 'x\ud83d\ude00', ''];
    for (const [i, key] of keys.entries()) await store.set(key, { n: i }, 1000);
    const redisKeys = sent.map((args) => args[1]);
    expect(new Set(redisKeys).size).toBe(keys.length);
    for (const key of redisKeys) expect(key).toMatch(/^p:[0-9a-f]{64}$/);
    for (const [i, key] of keys.entries()) expect(await store.get(key)).toEqual({ n: i });
    // Well-formed keys hash as their UTF-8 bytes: `printf %s KEY | sha256sum` finds them.
    expect(redisKeys[6]).toBe(`p:${sha256('x\u{1f600}')}`);
  });

  it('reads a reply that comes as bytes (a client mapping strings to Buffer)', async () => {
    const store = redisCompletionStore({ client: recording(() => Buffer.from('{"result":1}')).client });
    expect(await store.get('k')).toEqual({ result: 1 });
  });

  it('Redis failing: get and set reject with its error', async () => {
    const store = redisCompletionStore({ client: failing });
    await expect(store.get('k')).rejects.toThrow('ECONNREFUSED');
    await expect(store.set('k', { result: 1 }, 1000)).rejects.toThrow('ECONNREFUSED');
  });

  it('Redis silent: get rejects after `timeoutMs`', async () => {
    const store = redisCompletionStore({ client: silent, timeoutMs: 150 });
    const started = performance.now();
    await expect(store.get('k')).rejects.toThrow(/did not answer in 150 ms/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('an unexpected reply to GET is an error, not a miss', async () => {
    const store = redisCompletionStore({ client: recording(() => 42).client });
    await expect(store.get('k')).rejects.toThrow(/unexpected Redis reply/);
  });
});
