import { describe, expect, it } from 'vitest';
import {
  bucket,
  expectNothingStored,
  file,
  GiB,
  handlerFor,
  MiB,
  multipartPut,
  objectSha256,
  openUploadsContaining,
  partsOf,
  pattern,
  put,
  s3,
  sha256,
  signedHeadersOf,
} from './harness';

// Spec F: multipart/create binds a part size into the token and answers it; every part URL signs
// that part's exact Content-Length; abort works with an authentic token even after it expired.

const TiB = 1024 * GiB;
const video = (size: number) => file(size, 'movie.mp4', 'video/mp4');

const PART_SIZES = [
  { what: 'a wish within bounds is kept', size: 12 * MiB, wish: 8 * MiB, expected: 8 * MiB },
  { what: 'a wish under 5 MiB is raised to 5 MiB', size: 12 * MiB, wish: 1 * MiB, expected: 5 * MiB },
  { what: 'a wish over 5 GiB is lowered to 5 GiB', size: 12 * GiB, wish: 7 * GiB, expected: 5 * GiB },
  {
    what: 'a 100 GiB file with a 5 MiB wish is raised to need at most 10,000 parts',
    size: 100 * GiB,
    wish: 5 * MiB,
  },
  {
    what: 'a 5 TiB file with a 5 MiB wish is raised to need at most 10,000 parts',
    size: 5 * TiB,
    wish: 5 * MiB,
  },
];

describe('F. multipart/create answers the part size it bound into the token', () => {
  it.each(PART_SIZES)(
    '$what → partSize within 5 MiB..5 GiB, ≤ 10,000 parts; sign-parts allows exactly that many; the upload is pending until aborted',
    async ({ size, wish, expected }) => {
      const h = handlerFor({ maxFileSize: 5 * TiB, sniffContent: false });
      const created = await h.call('multipart/create', { file: video(size), partSize: wish });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const partSize = created.body.partSize;
      expect(Number.isSafeInteger(partSize), `partSize ${partSize}`).toBe(true);
      if (expected !== undefined) expect(partSize).toBe(expected);
      expect(partSize).toBeGreaterThanOrEqual(Math.max(5 * MiB, Math.min(wish, 5 * GiB)));
      expect(partSize).toBeLessThanOrEqual(5 * GiB);
      const count = Math.ceil(size / partSize);
      expect(count).toBeLessThanOrEqual(10_000);
      expect(await openUploadsContaining(h.user)).toEqual([`pending/${created.body.key}`]);

      const session = { uploadId: created.body.uploadId, key: created.body.key, token: created.body.token };
      const last = await h.call('multipart/sign-parts', { ...session, partNumbers: [count] });
      expect(last.status, `part ${count} of ${count}`).toBe(200);
      expect(signedHeadersOf(last.body.parts[0].url)).toContain('content-length');
      const beyond = await h.call('multipart/sign-parts', { ...session, partNumbers: [count + 1] });
      expect(beyond.status, `part ${count + 1} of ${count}`).toBe(400);

      expect((await h.call('multipart/abort', session)).status).toBe(204);
      await expectNothingStored(h);
    },
  );
});

const WRONG_LENGTHS = [
  { what: 'one byte more', bytes: 1001 },
  { what: 'one byte less', bytes: 999 },
  { what: 'no bytes', bytes: 0 },
  { what: '64 KiB more', bytes: 1000 + 65_536 },
];

describe('F. each part URL signs its exact Content-Length', () => {
  it.each(WRONG_LENGTHS)(
    'a 1000-byte upload, part 1 PUT with $what ($bytes bytes) → 403 from storage; no part stored',
    async ({ bytes }) => {
      const h = handlerFor({ sniffContent: false });
      const created = await h.call('multipart/create', { file: video(1000), partSize: 5 * MiB });
      const session = { uploadId: created.body.uploadId, key: created.body.key, token: created.body.token };
      const signed = await h.call('multipart/sign-parts', { ...session, partNumbers: [1] });
      expect(signed.status).toBe(200);
      const stored = await put(signed.body.parts[0].url, pattern(bytes), signed.body.parts[0].headers);
      expect(stored.status, stored.text).toBe(403);
      expect(await partsOf(`pending/${session.key}`, session.uploadId)).toEqual([]);
      expect((await h.call('multipart/abort', session)).status).toBe(204);
      await expectNothingStored(h);
    },
  );

  it('5 MiB + 10 in 5 MiB parts: part 1 one byte short and part 2 one byte long → 403; exact parts → 200 and complete', async () => {
    const h = handlerFor({ sniffContent: false });
    const bytes = pattern(5 * MiB + 10, 3);
    const created = await h.call('multipart/create', { file: video(bytes.length), partSize: 5 * MiB });
    expect(created.body.partSize).toBe(5 * MiB);
    const session = { uploadId: created.body.uploadId, key: created.body.key, token: created.body.token };
    const signed = await h.call('multipart/sign-parts', { ...session, partNumbers: [1, 2] });
    const url = (n: number) => signed.body.parts.find((p: { partNumber: number }) => p.partNumber === n);

    expect((await put(url(1).url, bytes.slice(0, 5 * MiB - 1), url(1).headers)).status).toBe(403);
    expect((await put(url(2).url, bytes.slice(5 * MiB - 1), url(2).headers)).status).toBe(403);
    expect(await partsOf(`pending/${session.key}`, session.uploadId)).toEqual([]);

    const parts = [];
    for (const n of [1, 2]) {
      const stored = await put(url(n).url, bytes.slice((n - 1) * 5 * MiB, n * 5 * MiB), url(n).headers);
      expect(stored.status).toBe(200);
      parts.push({ partNumber: n, etag: stored.etag! });
    }
    expect(await partsOf(`pending/${session.key}`, session.uploadId)).toEqual([
      { partNumber: 1, size: 5 * MiB },
      { partNumber: 2, size: 10 },
    ]);
    const completed = await h.call('multipart/complete', { ...session, parts, file: video(bytes.length) });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(await h.stored()).toEqual([session.key]);
    expect(await objectSha256(s3, bucket, session.key)).toBe(sha256(bytes));
  });

  it('12 MiB in 8 MiB parts → part 3 is refused with 400 (the bound part size, not 5 MiB, sets the count)', async () => {
    const h = handlerFor({ sniffContent: false });
    const created = await h.call('multipart/create', { file: video(12 * MiB), partSize: 8 * MiB });
    expect(created.body.partSize).toBe(8 * MiB);
    const session = { uploadId: created.body.uploadId, key: created.body.key, token: created.body.token };
    expect((await h.call('multipart/sign-parts', { ...session, partNumbers: [3] })).status).toBe(400);
    expect((await h.call('multipart/sign-parts', { ...session, partNumbers: [1, 2] })).status).toBe(200);
    expect((await h.call('multipart/abort', session)).status).toBe(204);
    await expectNothingStored(h);
  });
});

describe('F. abort outlives the token; nothing else does', () => {
  it('uploadTokenTtl 1 s, after 2 s: sign-parts, list-parts, complete → 403; abort with a forged or foreign token → 403 (still open); authentic → 204, gone', async () => {
    const h = handlerFor({ uploadTokenTtl: 1, sniffContent: false });
    const bytes = pattern(1000, 4);
    const { session, parts } = await multipartPut(h, video(bytes.length), bytes);
    await new Promise((resolve) => setTimeout(resolve, 2100));

    expect((await h.call('multipart/sign-parts', { ...session, partNumbers: [1] })).status).toBe(403);
    expect((await h.call('multipart/list-parts', session)).status).toBe(403);
    const late = await h.call('multipart/complete', { ...session, parts, file: video(bytes.length) });
    expect(late.status).toBe(403);
    expect(await h.stored(), 'nothing completed with an expired token').toEqual([]);

    const token: string = session.token;
    const mac = token.slice(token.lastIndexOf('.') + 1);
    const forged = {
      ...session,
      token: token.slice(0, -mac.length) + (mac.startsWith('A') ? 'B' : 'A') + mac.slice(1),
    };
    expect((await h.call('multipart/abort', forged)).status).toBe(403);
    expect((await h.call('multipart/abort', session, { user: `${h.user}-other` })).status).toBe(403);
    expect(await openUploadsContaining(h.user), 'still open').toHaveLength(1);

    expect((await h.call('multipart/abort', session)).status).toBe(204);
    await expectNothingStored(h);
    expect(h.completions).toEqual([]);
  });
});

describe('F. complete assembles exactly the parts of the file, each once', () => {
  // 10 MiB + 10 in 5 MiB parts: three parts, each with other bytes.
  async function threeParts(h: ReturnType<typeof handlerFor>) {
    const bytes = pattern(10 * MiB + 10, 21);
    const uploaded = await multipartPut(h, video(bytes.length), bytes);
    return { bytes, ...uploaded };
  }

  it.each([
    { what: 'part 1 twice instead of part 2 ([1, 1, 3])', numbers: [1, 1, 3] },
    { what: 'a gap ([1, 3])', numbers: [1, 3] },
    { what: 'a part past the end ([1, 2, 3, 4])', numbers: [1, 2, 3, 4] },
  ])(
    '$what → 400 invalid-part; nothing at the final key; the right list then completes',
    async ({ numbers }) => {
      const h = handlerFor({ sniffContent: false });
      const { bytes, session, parts } = await threeParts(h);
      const listed = numbers.map((n) => parts[n - 1] ?? { partNumber: n, etag: '"0"' });
      const wrong = await h.call('multipart/complete', {
        ...session,
        parts: listed,
        file: video(bytes.length),
      });
      expect(wrong.status, JSON.stringify(wrong.body)).toBe(400);
      expect(wrong.body.error.code).toBe('invalid-part');
      expect(await h.stored()).toEqual([]);
      expect(h.completions).toEqual([]);
      const right = await h.call('multipart/complete', { ...session, parts, file: video(bytes.length) });
      expect(right.status, JSON.stringify(right.body)).toBe(200);
      expect(await objectSha256(s3, bucket, session.key)).toBe(sha256(bytes));
    },
  );

  it('a part checksum that is not a base64 SHA-256 ({ x: 1 }) → 400 bad-request before storage is asked', async () => {
    const h = handlerFor({ sniffContent: false });
    const { bytes, session, parts } = await threeParts(h);
    const odd = parts.map((p, i) => (i === 0 ? { ...p, checksum: { x: 1 } } : p));
    const answer = await h.call('multipart/complete', { ...session, parts: odd, file: video(bytes.length) });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('bad-request');
    expect(await openUploadsContaining(h.user), 'the upload is still open').toHaveLength(1);
    expect((await h.call('multipart/abort', session)).status).toBe(204);
  });

  it('abort after a successful complete → 204, no `aborted` event, the verified object stays', async () => {
    const h = handlerFor({ sniffContent: false });
    const bytes = pattern(1000, 22);
    const { session, parts } = await multipartPut(h, video(bytes.length), bytes);
    const done = await h.call('multipart/complete', { ...session, parts, file: video(bytes.length) });
    expect(done.status).toBe(200);
    expect((await h.call('multipart/abort', session)).status).toBe(204);
    expect(h.events.map((e) => e.type)).not.toContain('aborted');
    expect(await objectSha256(s3, bucket, session.key)).toBe(sha256(bytes));
  });
});
