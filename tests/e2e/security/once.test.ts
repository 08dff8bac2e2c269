import { describe, expect, it } from 'vitest';
import {
  bucket,
  completeBody,
  elf,
  file,
  handlerFor,
  headOf,
  INLINE,
  multipartPut,
  objectSha256,
  png,
  presignAndPut,
  put,
  s3,
  sha256,
  type CallResult,
} from './harness';

// Spec D: onComplete runs at most once per object; every later complete answers with the first
// result; bytes PUT again to a used URL never replace or create the final object.

const ROUNDS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `complete` `row.times` times as `row.mode` says; onComplete ran once, every answer is its. */
async function expectOneCompletion(
  h: ReturnType<typeof handlerFor>,
  row: { mode: string; times: number },
  send: () => Promise<CallResult>,
  key: string,
  bytes: Uint8Array,
) {
  const answers: CallResult[] = [];
  if (row.mode.startsWith('in parallel'))
    answers.push(...(await Promise.all(Array.from({ length: row.times }, send))));
  else for (let i = 0; i < row.times; i++) answers.push(await send());
  expect(h.completions).toHaveLength(1);
  for (const answer of answers) {
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: { key, size: bytes.length, contentType: 'image/png', n: 1 },
    });
  }
  expect(await h.stored()).toEqual([key]);
  expect(await objectSha256(s3, bucket, key)).toBe(sha256(bytes));
}

describe('D. complete runs onComplete once, however often it is sent', () => {
  it.each([
    { mode: 'in sequence', times: 3, delay: 0 },
    { mode: 'in parallel', times: 6, delay: 0 },
    { mode: 'in parallel, onComplete taking 150 ms,', times: 6, delay: 150 },
  ])(
    'single upload, complete sent $times times $mode → onComplete once; every answer is the first',
    async (row) => {
      const h = handlerFor({}, { onCompleteDelayMs: row.delay });
      const bytes = png();
      const descriptor = file(bytes.length);
      const { presigned } = await presignAndPut(h, descriptor, bytes);
      const send = () => h.call('complete', completeBody(presigned, descriptor));
      await expectOneCompletion(h, row, send, presigned.key, bytes);
    },
  );

  it.each([
    { mode: 'in sequence', times: 3, delay: 0 },
    { mode: 'in parallel', times: 4, delay: 0 },
    { mode: 'in parallel, onComplete taking 150 ms,', times: 4, delay: 150 },
  ])(
    'multipart, multipart/complete sent $times times $mode → onComplete once; every answer is the first',
    async (row) => {
      const h = handlerFor({}, { onCompleteDelayMs: row.delay });
      const bytes = png(4000);
      const descriptor = file(bytes.length);
      const { session, parts } = await multipartPut(h, descriptor, bytes);
      const send = () => h.call('multipart/complete', { ...session, parts, file: descriptor });
      await expectOneCompletion(h, row, send, session.key, bytes);
    },
  );
});

describe('D. a used URL cannot change or create the final object', () => {
  it('an ELF PUT to the same URL after complete (same length and type), then complete again → the key keeps the PNG', async () => {
    const h = handlerFor();
    const bytes = png(3000);
    const descriptor = file(bytes.length);
    const { presigned } = await presignAndPut(h, descriptor, bytes);
    const first = await h.call('complete', completeBody(presigned, descriptor));
    expect(first.status).toBe(200);

    const again = await put(presigned.url, elf(bytes.length), presigned.headers);
    expect([200, 403]).toContain(again.status);
    expect(await objectSha256(s3, bucket, presigned.key)).toBe(sha256(bytes));

    const second = await h.call('complete', completeBody(presigned, descriptor));
    expect({ status: second.status, body: second.body }).toEqual({ status: first.status, body: first.body });
    expect(await objectSha256(s3, bucket, presigned.key)).toBe(sha256(bytes));
    expect((await headOf(presigned.key))?.ContentType).toBe('image/png');
    expect(h.completions).toHaveLength(1);
  });

  it('after a 415, a PNG PUT to the same URL and complete again → still nothing at the key; onComplete never ran', async () => {
    const h = handlerFor({ allowedTypes: ['image/*'] });
    const size = 3000;
    const descriptor = file(size);
    const { presigned } = await presignAndPut(h, descriptor, elf(size));
    const first = await h.call('complete', completeBody(presigned, descriptor));
    expect(first).toMatchObject({ status: 415, body: { error: { code: 'content-mismatch' } } });

    const again = await put(presigned.url, png(size), presigned.headers);
    expect([200, 403]).toContain(again.status);
    const second = await h.call('complete', completeBody(presigned, descriptor));
    expect(await headOf(presigned.key), 'an object at the key').toBeUndefined();
    expect(await h.stored()).not.toContain(presigned.key);
    expect(h.completions).toEqual([]);
    expect(second.status).toBeGreaterThanOrEqual(400);
  });

  it(`race, ${ROUNDS} rounds: complete fired together with ELF PUTs to the same URL → the key holds the verified PNG or nothing, never the ELF`, async () => {
    const h = handlerFor({ allowedTypes: ['image/*'] });
    const size = 3000;
    const descriptor = file(size);
    const good = png(size);
    for (let round = 0; round < ROUNDS; round++) {
      const { presigned } = await presignAndPut(h, descriptor, good);
      const completes = [
        h.call('complete', completeBody(presigned, descriptor)),
        sleep(round * 3).then(() => h.call('complete', completeBody(presigned, descriptor))),
      ];
      // ELF PUTs at staggered moments: some land between the verification and the copy, the
      // last ones after every complete has answered.
      const puts = [0, 1, 2, 4, 8, 16, 32].map((delay) =>
        sleep(delay + round).then(() => put(presigned.url, elf(size), presigned.headers)),
      );
      const answers = await Promise.all(completes);
      await Promise.all(puts);
      const settled = await objectSha256(s3, bucket, presigned.key);
      expect([undefined, sha256(good)], `round ${round}: after the PUTs, the PNG or nothing`).toContain(
        settled,
      );
      const late = await h.call('complete', completeBody(presigned, descriptor));

      const digest = await objectSha256(s3, bucket, presigned.key);
      expect([undefined, sha256(good)], `round ${round}: the key holds the PNG or nothing`).toContain(digest);
      if ([...answers, late].some((a) => a.status === 200)) {
        expect(digest, `round ${round}: a 200 means the PNG is at the key`).toBe(sha256(good));
        const head = await headOf(presigned.key);
        expect(head?.ContentType).toBe('image/png');
        expect(head?.ContentDisposition ?? '(absent)').toMatch(INLINE);
      }
    }
    expect(h.completions.length).toBeLessThanOrEqual(ROUNDS);
    expect(new Set(h.completions.map((c) => c.key)).size).toBe(h.completions.length);
  });
});
