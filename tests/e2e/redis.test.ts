import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCompletionStore, redisRateLimiter } from '../../src/server/index';
import { startRedis, type RunningRedis } from './redisServer';
import {
  completeBody,
  elf,
  file,
  handlerFor,
  headOf,
  png,
  presignAndPut,
  put,
  type CallResult,
  type Harness,
} from './security/harness';

// Several server instances on one real redis-server (Debian's), with node-redis: one user's
// limit is one limit across instances, and one instance's completion answers the others.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const servers: RunningRedis[] = [];
const clients: Array<{ destroy(): void }> = [];
/** Errors node-redis emitted (it would crash the process on an `error` event nobody listens to). */
const clientErrors: unknown[] = [];

/** A connected node-redis client: each one is its own connection, like one per server instance. */
async function connectedClient(redis: RunningRedis) {
  const client = createClient({ url: redis.url });
  client.on('error', (error: unknown) => clientErrors.push(error));
  clients.push(client);
  await client.connect();
  return client;
}

async function redisServer(options: { port?: number } = {}) {
  const redis = await startRedis(options);
  servers.push(redis);
  return redis;
}

afterAll(async () => {
  for (const client of clients) {
    try {
      client.destroy();
    } catch {
      // Never connected, or closed already: the servers must stop anyway.
    }
  }
  await Promise.all(servers.map((redis) => redis.stop()));
});

const presign = (h: Harness, user: string) => h.call('presign', { file: file(100) }, { user });
const answerOf = ({ status, body }: CallResult) => ({ status, body });

describe('on one redis-server shared by two instances', () => {
  let clientA: Awaited<ReturnType<typeof connectedClient>>;
  let clientB: Awaited<ReturnType<typeof connectedClient>>;
  beforeAll(async () => {
    const redis = await redisServer();
    [clientA, clientB] = [await connectedClient(redis), await connectedClient(redis)];
  });

  it('limit 4: the 5th presign across both instances gets 429 with Retry-After; another user is served; after the window, served again', async () => {
    const prefix = `upkit:rl:${randomUUID()}:`;
    const limit = 4;
    const windowMs = 2000;
    const a = handlerFor({ rateLimit: redisRateLimiter({ client: clientA, limit, windowMs, prefix }) });
    const b = handlerFor({ rateLimit: redisRateLimiter({ client: clientB, limit, windowMs, prefix }) });
    const user = a.user;

    const served: number[] = [];
    for (let i = 0; i < limit; i++) served.push((await presign(i % 2 ? b : a, user)).status);
    expect(served).toEqual([200, 200, 200, 200]);

    const over = await presign(b, user);
    expect(over).toMatchObject({ status: 429, body: { error: { code: 'rate-limited' } } });
    expect(over.body.url).toBeUndefined();
    const retryAfter = over.headers.get('retry-after');
    expect(['1', '2']).toContain(retryAfter);
    expect((await presign(a, user)).status, 'instance A refuses too').toBe(429);

    expect((await presign(a, b.user)).status, 'another user on A').toBe(200);
    expect((await presign(b, b.user)).status, 'another user on B').toBe(200);

    // Retry-After is the window's remaining time rounded up: past it, a new window.
    await sleep(Number(retryAfter) * 1000 + 50);
    expect([(await presign(b, user)).status, (await presign(a, user)).status]).toEqual([200, 200]);
  });

  it('50 parallel consume() calls over two connections, limit 10 → exactly 10 allowed, in each of 3 rounds', async () => {
    const prefix = `upkit:rl:${randomUUID()}:`;
    const limiters = [clientA, clientB].map((client) =>
      redisRateLimiter({ client, limit: 10, windowMs: 60_000, prefix }),
    );
    for (let round = 0; round < 3; round++) {
      const key = `user-${round}`;
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => limiters[i % 2]!.consume(key)));
      expect(
        answers.filter((a) => a.allowed),
        `round ${round}`,
      ).toHaveLength(10);
      for (const refused of answers.filter((a) => !a.allowed)) {
        expect(refused.retryAfterMs).toBeGreaterThan(50_000);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
      }
    }
  });

  it('complete on A, then on B for the same upload → B answers what A answered; onComplete ran once', async () => {
    const prefix = `upkit:done:${randomUUID()}:`;
    const a = handlerFor({ completions: redisCompletionStore({ client: clientA, prefix }) });
    const b = handlerFor({ completions: redisCompletionStore({ client: clientB, prefix }) });
    const bytes = png(3000);
    const descriptor = file(bytes.length);
    const { presigned, stored } = await presignAndPut(a, descriptor, bytes);
    expect(stored.status, stored.text).toBe(200);

    const first = await a.call('complete', completeBody(presigned, descriptor));
    expect(answerOf(first)).toEqual({
      status: 200,
      body: { key: presigned.key, size: bytes.length, contentType: 'image/png', n: 1 },
    });
    const second = await b.call('complete', completeBody(presigned, descriptor), { user: a.user });
    expect(answerOf(second)).toEqual(answerOf(first));
    expect(a.completions.length + b.completions.length).toBe(1);

    // One answer in Redis: under a hashed key, as JSON, expiring with the upload token.
    const keys = await clientA.keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/:[0-9a-f]{64}$/);
    expect(await clientA.get(keys[0]!)).toContain(JSON.stringify(first.body));
    expect(await clientA.pTTL(keys[0]!)).toBeGreaterThan(50_000);
  });

  it('A refuses an ELF declared as PNG (415); a PNG PUT to the same URL later; B answers the same 415 and stores nothing', async () => {
    const prefix = `upkit:done:${randomUUID()}:`;
    const options = { allowedTypes: ['image/*'] };
    const a = handlerFor({ ...options, completions: redisCompletionStore({ client: clientA, prefix }) });
    const b = handlerFor({ ...options, completions: redisCompletionStore({ client: clientB, prefix }) });
    const size = 3000;
    const descriptor = file(size);
    const { presigned } = await presignAndPut(a, descriptor, elf(size));
    const first = await a.call('complete', completeBody(presigned, descriptor));
    expect(first).toMatchObject({ status: 415, body: { error: { code: 'content-mismatch' } } });

    const again = await put(presigned.url, png(size), presigned.headers);
    expect([200, 403]).toContain(again.status);
    const second = await b.call('complete', completeBody(presigned, descriptor), { user: a.user });
    expect(answerOf(second)).toEqual(answerOf(first));
    expect(await headOf(presigned.key), 'an object at the final key').toBeUndefined();
    expect(a.completions.length + b.completions.length).toBe(0);
  });
});

describe('with redis-server stopped', () => {
  const TIMEOUT_MS = 300;
  // The bound on any answer: the stores' timeout plus generous room for MinIO and the handler.
  const BOUND_MS = TIMEOUT_MS + 2000;

  async function timed<T>(run: () => Promise<T>) {
    const started = performance.now();
    const value = await run();
    return { value, ms: performance.now() - started };
  }

  it("the limiter answers as `onError` says: 'deny' → 429 with Retry-After: 1, 'allow' → 200, in bounded time, each failure reported", async () => {
    const redis = await redisServer();
    const client = await connectedClient(redis);
    const redisErrors: unknown[] = [];
    const limiter = (onError: 'allow' | 'deny') =>
      redisRateLimiter({
        client,
        onError,
        timeoutMs: TIMEOUT_MS,
        onRedisError: (error) => redisErrors.push(error),
      });
    const deny = handlerFor({ rateLimit: limiter('deny') });
    const allow = handlerFor({ rateLimit: limiter('allow') });
    expect((await presign(deny, deny.user)).status, 'Redis up').toBe(200);
    expect((await presign(allow, allow.user)).status, 'Redis up').toBe(200);
    expect(redisErrors).toEqual([]);

    await redis.stop();

    const denied = await timed(() => presign(deny, deny.user));
    expect(denied.value).toMatchObject({ status: 429, body: { error: { code: 'rate-limited' } } });
    expect(denied.value.headers.get('retry-after')).toBe('1');
    expect(denied.value.body.url).toBeUndefined();
    expect(denied.ms).toBeLessThan(BOUND_MS);
    const allowed = await timed(() => presign(allow, allow.user));
    expect(allowed.value.status).toBe(200);
    expect(typeof allowed.value.body.url).toBe('string');
    expect(allowed.ms).toBeLessThan(BOUND_MS);
    expect(redisErrors).toHaveLength(2);
    expect(await limiter('deny').consume('someone')).toEqual({ allowed: false, retryAfterMs: 1000 });
    expect(await limiter('allow').consume('someone')).toEqual({ allowed: true, retryAfterMs: 0 });
  });

  it('complete answers 500 in bounded time and keeps the pending bytes; with Redis back on its port, the retried complete succeeds, onComplete once', async () => {
    const redis = await redisServer();
    const client = await connectedClient(redis);
    const h = handlerFor({ completions: redisCompletionStore({ client, timeoutMs: TIMEOUT_MS }) });
    const bytes = png(2000);
    const descriptor = file(bytes.length);
    const { presigned } = await presignAndPut(h, descriptor, bytes);
    const body = completeBody(presigned, descriptor);

    await redis.stop();

    const failed = await timed(() => h.call('complete', body));
    expect(failed.value).toMatchObject({ status: 500, body: { error: { code: 'server-error' } } });
    expect(failed.ms).toBeLessThan(BOUND_MS);
    expect(h.completions).toEqual([]);
    expect(await headOf(h.pendingOf(presigned.key)), 'the pending bytes wait for a retry').toBeDefined();

    // node-redis reconnects by itself; the client retries a 500 as it would.
    await redisServer({ port: redis.port });
    let retried: CallResult | undefined;
    // Bounded: 50 tries, 200 ms apart (10 s).
    for (let attempt = 0; attempt < 50; attempt++) {
      retried = await h.call('complete', body);
      if (retried.status < 500) break;
      await sleep(200);
    }
    expect(answerOf(retried!)).toEqual({
      status: 200,
      body: { key: presigned.key, size: bytes.length, contentType: 'image/png', n: 1 },
    });
    expect(h.completions).toHaveLength(1);
    expect(await headOf(h.pendingOf(presigned.key)), 'pending object removed').toBeUndefined();
  });
});
