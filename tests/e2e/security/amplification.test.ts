import { afterEach, describe, expect, it, vi } from 'vitest';
import { countingLimiter, expectNothingStored, file, handlerFor, MiB } from './harness';

// Spec P: no call costs the server much more than the rate limit charges for it. A body nested
// deep is refused before JSON.parse (which would block every user's requests for 100 ms or more
// per body); sign-parts charges one unit per ten URLs it signs.

afterEach(() => {
  vi.restoreAllMocks();
});

/** `{"x":[[[…]]]}` nested `depth` deep: under 1 MiB, the cap of multipart/complete and batches. */
const nested = (depth: number) => `{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('P. deeply nested JSON is refused before it is parsed', () => {
  it.each([
    { op: 'multipart/complete', depth: 500_000 },
    { op: 'presign/batch', depth: 500_000 },
    { op: 'complete/batch', depth: 500_000 },
    { op: 'presign', depth: 30_000 },
  ])(
    '$op with a body nested $depth deep → 400 bad-request; JSON.parse never sees it',
    async ({ op, depth }) => {
      const h = handlerFor();
      const body = nested(depth);
      expect(body.length).toBeLessThan(MiB);
      const parse = vi.spyOn(JSON, 'parse');
      const response = await h.handler(
        new Request(`https://app.example/api/upload/${op}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-user': h.user },
          body,
        }),
      );
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
        /nests deeper/,
      );
      expect(parse.mock.calls.some(([text]) => typeof text === 'string' && text.length >= body.length)).toBe(
        false,
      );
      await expectNothingStored(h);
    },
  );

  it('a batch entry nested deep is refused with the whole call (400), not answered as an entry 500', async () => {
    const h = handlerFor();
    const response = await h.call('presign/batch', {
      files: [{ file: file(100), x: JSON.parse(nested(40)) }],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('bad-request');
    await expectNothingStored(h);
  });

  it('the protocol’s own nesting (a batch of presigns with metadata, 4 deep) is read as usual', async () => {
    const h = handlerFor();
    const response = await h.call('presign/batch', {
      files: [{ file: { ...file(100), metadata: { title: '[{a}]' } } }],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.results[0].status).toBe(200);
  });
});

describe('P. sign-parts charges the rate limit per ten URLs', () => {
  async function created(h: ReturnType<typeof handlerFor>) {
    const answer = await h.call('multipart/create', { file: file(1000 * MiB, 'big.png'), partSize: 5 * MiB });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return { key: answer.body.key, uploadId: answer.body.uploadId, token: answer.body.token };
  }
  const partNumbers = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

  it('100 part URLs cost 10 units; 5 cost 1', async () => {
    const limiter = countingLimiter(1000);
    const h = handlerFor({ rateLimit: limiter });
    const session = await created(h);
    const before = limiter.asked.length;
    expect((await h.call('multipart/sign-parts', { ...session, partNumbers: partNumbers(100) })).status).toBe(
      200,
    );
    expect(limiter.asked.length - before).toBe(10);
    const middle = limiter.asked.length;
    expect((await h.call('multipart/sign-parts', { ...session, partNumbers: partNumbers(5) })).status).toBe(
      200,
    );
    expect(limiter.asked.length - middle).toBe(1);
    expect((await h.call('multipart/abort', session)).status).toBe(204);
  });

  it('100 part URLs with 5 units left → 429 with Retry-After and no URL signed', async () => {
    const limiter = countingLimiter(7);
    const h = handlerFor({ rateLimit: limiter });
    const session = await created(h); // 1 unit
    const refused = await h.call('multipart/sign-parts', { ...session, partNumbers: partNumbers(100) });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.body.parts).toBeUndefined();
    // The limit is spent: the owner aborts through an instance without one.
    expect((await handlerFor().call('multipart/abort', session, { user: h.user })).status).toBe(204);
  });
});
