import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  createUploadHandler,
  HttpError,
  type UploadEvent,
  type UploadHandlerConfig,
} from '../../src/server/index';
import { keysUnder, objectSha256, pattern, sha256, testS3 } from './s3';

const MiB = 1024 * 1024;
const { bucket } = inject('minio');
const s3 = testS3();
afterAll(() => s3.destroy());

const SECRET = 'test-secret-that-is-at-least-32-bytes-long!';
type User = { id: string };

function handlerFor(overrides: Partial<UploadHandlerConfig<User>> = {}) {
  const events: UploadEvent[] = [];
  const handler = createUploadHandler<User>({
    s3,
    bucket,
    secret: SECRET,
    authorize: (request) => {
      const id = request.headers.get('x-user');
      return id ? { id } : null;
    },
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  async function call(op: string, body: unknown, user: string | null = 'alice') {
    const response = await handler(
      new Request(`http://app.test/api/upload/${op}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(user ? { 'x-user': user } : {}) },
        body: JSON.stringify(body),
      }),
    );
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }
  return { handler, call, events };
}

async function put(url: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'PUT', body, headers });
  return { status: response.status, etag: response.headers.get('etag'), text: await response.text() };
}

const file = (size: number, name = 'photo.png', type = 'image/png') => ({ name, size, type });
// A real 1x1 PNG, padded to `size` bytes, so content sniffing recognises it as image/png.
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const png = (size: number) => {
  const bytes = pattern(size);
  bytes.set(PNG_1X1);
  return bytes;
};

describe('single uploads through real presigned URLs', () => {
  it('signs a URL that MinIO accepts, and completes after checking the object', async () => {
    const { call, events } = handlerFor();
    const bytes = png(300_000);
    const presigned = await call('presign', { file: file(bytes.length) });
    expect(presigned.status).toBe(200);
    expect(presigned.body.key).toMatch(/^uploads\/alice\/[0-9a-f-]{36}\.png$/);
    expect(presigned.body.headers).toEqual({ 'Content-Type': 'image/png', 'Content-Disposition': 'inline' });
    // The URL writes to the pending key: nothing unverified sits at the key the app is told.
    expect(new URL(presigned.body.url).pathname).toBe(`/${bucket}/pending/${presigned.body.key}`);
    expect(presigned.headers.get('cache-control')).toBe('no-store');

    const stored = await put(presigned.body.url, bytes, presigned.body.headers);
    expect(stored.status).toBe(200);
    expect(await objectSha256(s3, bucket, presigned.body.key)).toBeUndefined();

    const completed = await call('complete', {
      key: presigned.body.key,
      token: presigned.body.token,
      etag: stored.etag,
      file: file(bytes.length),
    });
    expect(completed).toMatchObject({
      status: 200,
      body: { key: presigned.body.key, size: bytes.length, contentType: 'image/png' },
    });
    expect(await objectSha256(s3, bucket, presigned.body.key)).toBe(sha256(bytes));
    expect(await objectSha256(s3, bucket, `pending/${presigned.body.key}`)).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['signed', 'completed']);
    expect(JSON.stringify(events)).not.toContain('X-Amz-Signature');
  });

  it('signs a file checksum into the URL: storage refuses other bytes of the same length', async () => {
    const { call } = handlerFor();
    const bytes = png(4000);
    const checksum = createHash('sha256').update(bytes).digest('base64');
    const { body } = await call('presign', { file: file(bytes.length), checksum });
    expect(body.headers['x-amz-checksum-sha256']).toBe(checksum);
    const other = png(4000);
    other[3000] = (other[3000] ?? 0) ^ 0xff;
    expect((await put(body.url, other, body.headers)).status).toBe(400);
    expect(await keysUnder(s3, bucket, `pending/${body.key}`)).toEqual([]);
    expect((await put(body.url, bytes, body.headers)).status).toBe(200);
    expect((await call('complete', { key: body.key, token: body.token })).status).toBe(200);
    expect(await objectSha256(s3, bucket, body.key)).toBe(sha256(bytes));
    expect((await call('presign', { file: file(10), checksum: 'not-a-digest' })).status).toBe(400);
  });

  it('refuses a tampered signature: 403, no object', async () => {
    const { call } = handlerFor();
    const { body } = await call('presign', { file: file(100) });
    const url = new URL(body.url);
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', signature.replace(/^./, signature[0] === 'a' ? 'b' : 'a'));
    expect((await put(url.toString(), png(100), body.headers)).status).toBe(403);
    expect(await objectSha256(s3, bucket, body.key)).toBeUndefined();
  });

  it('refuses an expired URL: 403, no object', async () => {
    const { call } = handlerFor({ expiresIn: 1 });
    const { body } = await call('presign', { file: file(100) });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const stored = await put(body.url, png(100), body.headers);
    expect(stored.status).toBe(403);
    expect(stored.text).toMatch(/expired/i);
    expect(await objectSha256(s3, bucket, body.key)).toBeUndefined();
  });

  it('refuses a Content-Type other than the signed one: 403, no object', async () => {
    const { call } = handlerFor();
    const { body } = await call('presign', { file: file(100) });
    const html = { ...body.headers, 'Content-Type': 'text/html' };
    expect((await put(body.url, png(100), html)).status).toBe(403);
    expect(await keysUnder(s3, bucket, `pending/${body.key}`)).toEqual([]);
  });

  it('refuses a body larger than signed: 403, no object', async () => {
    const { call } = handlerFor();
    const { body } = await call('presign', { file: file(100) });
    expect((await put(body.url, png(5000), body.headers)).status).toBe(403);
    expect(await keysUnder(s3, bucket, `pending/${body.key}`)).toEqual([]);
  });

  it('never uses a key or path the client sends; hostile names stay out of the key', async () => {
    const { call } = handlerFor();
    for (const name of ['../../etc/passwd', 'a\u0000b.png', 'résumé 📄.PNG', '..', 'x.p/ng']) {
      const { status, body } = await call('presign', {
        key: 'public/index.html',
        path: '../x',
        file: { ...file(10), name },
      });
      expect(status).toBe(200);
      expect(body.key).toMatch(/^uploads\/alice\/[0-9a-f-]{36}(\.png)?$/);
    }
    const { body } = await call('presign', { file: file(10) }, '../bob');
    expect(body.key.startsWith('uploads/..%2Fbob/')).toBe(true);
  });

  it('deletes an object whose content is not its declared type', async () => {
    const { call } = handlerFor();
    const text = new TextEncoder().encode('<html><script>alert(1)</script></html>'.repeat(20));
    const { body } = await call('presign', { file: file(text.length, 'cat.png') });
    expect((await put(body.url, text, body.headers)).status).toBe(200);
    const completed = await call('complete', {
      key: body.key,
      token: body.token,
      file: file(text.length, 'cat.png'),
    });
    expect(completed.status).toBe(415);
    expect(completed.body.error.code).toBe('content-mismatch');
    expect(await objectSha256(s3, bucket, body.key)).toBeUndefined();
  });

  it('refuses to complete a key with a token for another key or user', async () => {
    const { call } = handlerFor();
    const first = await call('presign', { file: file(100) });
    const second = await call('presign', { file: file(100) });
    expect((await call('complete', { key: second.body.key, token: first.body.token })).status).toBe(403);
    expect((await call('complete', { key: first.body.key, token: first.body.token }, 'mallory')).status).toBe(
      403,
    );
  });
});

describe('onComplete failures', () => {
  async function uploaded(call: ReturnType<typeof handlerFor>['call']) {
    const bytes = png(2000);
    const { body } = await call('presign', { file: file(bytes.length) });
    expect((await put(body.url, bytes, body.headers)).status).toBe(200);
    return { bytes, complete: () => call('complete', { key: body.key, token: body.token }), key: body.key };
  }

  it('a throwing onComplete takes the object back and keeps the bytes: a retry completes it', async () => {
    let failing = true;
    const seen: string[] = [];
    const { call } = handlerFor({
      onComplete: ({ key }) => {
        seen.push(key);
        if (failing) throw new Error('database down');
        return { saved: key };
      },
    });
    const { bytes, complete, key } = await uploaded(call);
    expect(await complete()).toMatchObject({ status: 500, body: { error: { code: 'server-error' } } });
    expect(await objectSha256(s3, bucket, key)).toBeUndefined();
    expect(await objectSha256(s3, bucket, `pending/${key}`)).toBe(sha256(bytes));
    failing = false;
    expect(await complete()).toMatchObject({ status: 200, body: { saved: key } });
    expect(await complete()).toMatchObject({ status: 200, body: { saved: key } });
    expect(seen).toHaveLength(2);
    expect(await objectSha256(s3, bucket, key)).toBe(sha256(bytes));
    expect(await keysUnder(s3, bucket, `pending/${key}`)).toEqual([]);
  });

  it('an HttpError under 500 from onComplete refuses the file for good: nothing stays', async () => {
    let calls = 0;
    const { call } = handlerFor({
      onComplete: () => {
        calls++;
        throw new HttpError(422, 'content-mismatch', 'The virus scanner refused this file.');
      },
    });
    const { complete, key } = await uploaded(call);
    const refused = { status: 422, body: { error: { message: 'The virus scanner refused this file.' } } };
    expect(await complete()).toMatchObject(refused);
    expect(await complete()).toMatchObject(refused);
    expect(calls).toBe(1);
    expect(await keysUnder(s3, bucket, key)).toEqual([]);
    expect(await keysUnder(s3, bucket, `pending/${key}`)).toEqual([]);
  });
});

describe('keys reused by a custom objectKey', () => {
  it("never gives one user's answer to another, never replaces the first object, and says why", async () => {
    const key = `avatars/${crypto.randomUUID()}.png`;
    const { call } = handlerFor({ objectKey: () => key, onComplete: ({ userId }) => ({ owner: userId }) });
    const alice = png(1000);
    const bob = png(2000);
    const a = await call('presign', { file: file(alice.length) }, 'alice');
    const b = await call('presign', { file: file(bob.length) }, 'bob');
    expect(a.body.key).toBe(key);
    expect(b.body.key).toBe(key);
    expect((await put(a.body.url, alice, a.body.headers)).status).toBe(200);
    expect(await call('complete', { key, token: a.body.token }, 'alice')).toMatchObject({
      status: 200,
      body: { owner: 'alice' },
    });
    expect((await put(b.body.url, bob, b.body.headers)).status).toBe(200);
    expect(await call('complete', { key, token: b.body.token }, 'bob')).toMatchObject({
      status: 409,
      body: { error: { code: 'key-taken' } },
    });
    expect(await objectSha256(s3, bucket, key)).toBe(sha256(alice));
  });
});

describe('rules checked before signing', () => {
  it('answers 401 without a user and signs nothing', async () => {
    const { call, events } = handlerFor();
    const response = await call('presign', { file: file(10) }, null);
    expect(response).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(events).toMatchObject([{ type: 'rejected', status: 401 }]);
  });

  it('refuses to lump users without an id together', async () => {
    const { call } = handlerFor({ authorize: () => ({ name: 'no id' }) as unknown as User });
    const response = await call('presign', { file: file(10) });
    expect(response).toMatchObject({ status: 500, body: { error: { code: 'server-misconfigured' } } });
  });

  it('enforces size and type allow-lists with 413 and 415', async () => {
    const { call } = handlerFor({ maxFileSize: 1000, allowedTypes: ['image/*'] });
    expect((await call('presign', { file: file(1001) })).status).toBe(413);
    expect((await call('multipart/create', { file: file(1001) })).status).toBe(413);
    const wrongType = await call('presign', { file: file(10, 'a.exe', 'application/x-msdownload') });
    expect(wrongType).toMatchObject({ status: 415, body: { error: { code: 'file-type-not-allowed' } } });
  });

  it('rate-limits per user with Retry-After', async () => {
    const { call } = handlerFor({
      rateLimit: {
        consume: (() => {
          let n = 0;
          return () => ({ allowed: ++n <= 2, retryAfterMs: 1500 });
        })(),
      },
    });
    await call('presign', { file: file(1) });
    await call('presign', { file: file(1) });
    const limited = await call('presign', { file: file(1) });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
  });

  it('rejects malformed bodies with 400 and unknown routes with 404', async () => {
    const { call, handler } = handlerFor();
    expect((await call('presign', { file: { name: 'x', size: -1, type: 'a/b' } })).status).toBe(400);
    expect((await call('presign', 'nope')).status).toBe(400);
    expect((await call('delete-everything', {})).status).toBe(404);
    const get = await handler(
      new Request('http://app.test/api/upload/presign', { headers: { 'x-user': 'alice' } }),
    );
    expect(get.status).toBe(405);
  });

  it('caps URL lifetime at one hour', () => {
    expect(() => handlerFor({ expiresIn: 3601 })).toThrow(/expiresIn/);
    expect(() => handlerFor({ secret: 'short' })).toThrow(/32 bytes/);
  });
});

describe('multipart uploads through real presigned URLs', () => {
  async function createAndUpload(
    call: ReturnType<typeof handlerFor>['call'],
    bytes: Uint8Array<ArrayBuffer>,
    partSize: number,
    declared = bytes.length,
  ) {
    const created = await call('multipart/create', {
      file: file(declared, 'movie.mp4', 'video/mp4'),
      partSize,
    });
    expect(created).toMatchObject({ status: 200, body: { partSize } });
    const count = Math.max(1, Math.ceil(bytes.length / partSize));
    const numbers = Array.from({ length: count }, (_, i) => i + 1);
    const signed = await call('multipart/sign-parts', { ...created.body, partNumbers: numbers });
    expect(signed.status).toBe(200);
    const parts = [];
    for (const { partNumber, url } of signed.body.parts) {
      const stored = await put(url, bytes.subarray((partNumber - 1) * partSize, partNumber * partSize));
      parts.push({ partNumber, etag: stored.etag!, status: stored.status });
    }
    const { uploadId, key, token } = created.body;
    return { session: { uploadId, key, token }, parts };
  }

  it('creates, signs a batch, lists, and completes; the bytes match', async () => {
    const { call } = handlerFor({ sniffContent: false });
    const bytes = pattern(10 * MiB + 7);
    const { session, parts } = await createAndUpload(call, bytes, 5 * MiB);
    expect(parts.map((p) => p.status)).toEqual([200, 200, 200]);
    expect(await keysUnder(s3, bucket, session.key)).toEqual([]);
    const listed = await call('multipart/list-parts', session);
    expect(
      listed.body.parts.map((p: { partNumber: number; size: number }) => [p.partNumber, p.size]),
    ).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
      [3, 7],
    ]);
    const completed = await call('multipart/complete', {
      ...session,
      parts,
      file: file(bytes.length, 'movie.mp4', 'video/mp4'),
    });
    expect(completed).toMatchObject({ status: 200, body: { key: session.key, size: bytes.length } });
    expect(await objectSha256(s3, bucket, session.key)).toBe(sha256(bytes));
    expect(await keysUnder(s3, bucket, `pending/${session.key}`)).toEqual([]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: session.key }));
    expect(head.ContentType).toBe('video/mp4');
    expect(head.ContentDisposition).toBe('inline');
  });

  it('signs part checksums: storage refuses other bytes, lists the checksums, completes with them', async () => {
    const { call } = handlerFor({ sniffContent: false });
    const bytes = pattern(5 * MiB + 100);
    const parts = [bytes.subarray(0, 5 * MiB), bytes.subarray(5 * MiB)];
    const checksum = (part: Uint8Array) => createHash('sha256').update(part).digest('base64');
    const created = await call('multipart/create', {
      file: file(bytes.length, 'movie.mp4', 'video/mp4'),
      partSize: 5 * MiB,
      checksumAlgorithm: 'SHA256',
    });
    expect(created.body).toMatchObject({ checksumAlgorithm: 'SHA256', partSize: 5 * MiB });
    const { uploadId, key, token } = created.body;
    const session = { uploadId, key, token };
    const signed = await call('multipart/sign-parts', {
      ...session,
      partNumbers: [1, 2],
      checksums: { 1: checksum(parts[0]!), 2: checksum(parts[1]!) },
    });
    const [first, second] = signed.body.parts as Array<{ url: string; headers: Record<string, string> }>;
    expect(first!.headers).toEqual({ 'x-amz-checksum-sha256': checksum(parts[0]!) });
    // Other bytes of the right length under the signed checksum: refused by storage.
    const other = pattern(5 * MiB, 7);
    expect((await put(first!.url, other, first!.headers)).status).toBe(400);
    // Without the signed header: refused too (MinIO says 400 for a missing signed header).
    expect([400, 403]).toContain((await put(first!.url, parts[0]!)).status);
    const one = await put(first!.url, parts[0]!, first!.headers);
    const two = await put(second!.url, parts[1]!, second!.headers);
    expect([one.status, two.status]).toEqual([200, 200]);
    const listed = await call('multipart/list-parts', session);
    expect(listed.body.parts.map((p: { checksum: string }) => p.checksum)).toEqual(
      parts.map((p) => checksum(p)),
    );
    const completed = await call('multipart/complete', {
      ...session,
      parts: [
        { partNumber: 1, etag: one.etag, checksum: checksum(parts[0]!) },
        { partNumber: 2, etag: two.etag, checksum: checksum(parts[1]!) },
      ],
    });
    expect(completed.status).toBe(200);
    expect(await objectSha256(s3, bucket, key)).toBe(sha256(bytes));
  });

  it("refuses another user's token on every multipart call", async () => {
    const { call } = handlerFor({ sniffContent: false });
    const { session, parts } = await createAndUpload(call, pattern(100), 5 * MiB);
    for (const [op, extra] of [
      ['multipart/sign-parts', { partNumbers: [1] }],
      ['multipart/list-parts', {}],
      ['multipart/complete', { parts }],
      ['multipart/abort', {}],
    ] as const) {
      expect((await call(op, { ...session, ...extra }, 'mallory')).status, op).toBe(403);
    }
    // A token for this upload does not open another upload either.
    const other = await call('multipart/create', { file: file(100, 'b.mp4', 'video/mp4') });
    expect((await call('multipart/list-parts', { ...other.body, token: session.token })).status).toBe(403);
    await call('multipart/abort', other.body);
    await call('multipart/abort', session);
  });

  it('refuses part numbers beyond what the declared size needs', async () => {
    const { call } = handlerFor();
    const created = await call('multipart/create', {
      file: file(6 * MiB, 'a.mp4', 'video/mp4'),
      partSize: 5 * MiB,
    });
    expect((await call('multipart/sign-parts', { ...created.body, partNumbers: [3] })).status).toBe(400);
    expect((await call('multipart/sign-parts', { ...created.body, partNumbers: [1, 2] })).status).toBe(200);
    await call('multipart/abort', created.body);
  });

  it('signs each part length: a part of another length than planned is refused by storage', async () => {
    const { call } = handlerFor({ sniffContent: false });
    const bytes = pattern(5 * MiB + 10);
    const { session, parts } = await createAndUpload(call, bytes, 5 * MiB, 5 * MiB + 5);
    expect(parts.map((p) => p.status)).toEqual([200, 403]);
    const completed = await call('multipart/complete', { ...session, parts: parts.slice(0, 1) });
    // Part 2 is missing: the client lists the parts storage holds and sends it again.
    expect(completed).toMatchObject({ status: 400, body: { error: { code: 'invalid-part' } } });
    expect(await keysUnder(s3, bucket, session.key)).toEqual([]);
    expect(await keysUnder(s3, bucket, `pending/${session.key}`)).toEqual([]);
    expect((await call('multipart/abort', session)).status).toBe(204);
  });

  it('answers a retried complete whose first attempt succeeded with the same result', async () => {
    const { call } = handlerFor({ sniffContent: false });
    const bytes = pattern(1000);
    const { session, parts } = await createAndUpload(call, bytes, 5 * MiB);
    const first = await call('multipart/complete', { ...session, parts });
    const again = await call('multipart/complete', { ...session, parts });
    expect(first.status).toBe(200);
    expect(again).toEqual(first);
  });

  it('abort removes the upload: its parts can no longer be listed', async () => {
    const { call } = handlerFor();
    const { session } = await createAndUpload(call, pattern(100), 5 * MiB);
    expect((await call('multipart/abort', session)).status).toBe(204);
    expect((await call('multipart/list-parts', session)).status).toBe(404);
    expect(await keysUnder(s3, bucket, session.key)).toEqual([]);
  });

  it('tells a wrong part ETag apart with a 400 and does not create the object', async () => {
    const { call } = handlerFor({ sniffContent: false });
    const bytes = pattern(5 * MiB + 1);
    const { session, parts } = await createAndUpload(call, bytes, 5 * MiB);
    const forged = parts.map((p) =>
      p.partNumber === 2 ? { ...p, etag: '"00000000000000000000000000000000"' } : p,
    );
    expect((await call('multipart/complete', { ...session, parts: forged })).status).toBe(400);
    expect(await objectSha256(s3, bucket, session.key)).toBeUndefined();
    await call('multipart/abort', session);
  });
});

describe("an S3 client on the SDK's default checksums (WHEN_SUPPORTED)", () => {
  // The SDK would sign a CRC32 of the empty body it presigns with; storage would then refuse the
  // real bytes. The handler signs only the client's own checksum, whatever the client's setting.
  const defaults = testS3({
    requestChecksumCalculation: 'WHEN_SUPPORTED',
    responseChecksumValidation: 'WHEN_SUPPORTED',
  });
  afterAll(() => defaults.destroy());
  const checksumParams = (url: string) =>
    [...new URL(url).searchParams.keys()].filter((k) => /checksum/i.test(k));

  it('signs single and part URLs that storage accepts, and verifies and completes them', async () => {
    expect(await defaults.config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
    const { call } = handlerFor({ s3: defaults });
    const bytes = png(300_000);
    const single = await call('presign', { file: file(bytes.length) });
    expect(checksumParams(single.body.url)).toEqual([]);
    expect((await put(single.body.url, bytes, single.body.headers)).status).toBe(200);
    expect((await call('complete', { key: single.body.key, token: single.body.token })).status).toBe(200);
    expect(await objectSha256(s3, bucket, single.body.key)).toBe(sha256(bytes));

    const big = pattern(5 * MiB + 11);
    const partSize = 5 * MiB;
    const checksums = [big.subarray(0, partSize), big.subarray(partSize)].map((part) =>
      createHash('sha256').update(part).digest('base64'),
    );
    // Pattern bytes are no MP4: the multipart half skips sniffing (the single half sniffed).
    const multipart = handlerFor({ s3: defaults, sniffContent: false }).call;
    const created = await multipart('multipart/create', {
      file: file(big.length, 'movie.mp4', 'video/mp4'),
      partSize,
      checksumAlgorithm: 'SHA256',
    });
    const session = { uploadId: created.body.uploadId, key: created.body.key, token: created.body.token };
    const signed = await multipart('multipart/sign-parts', {
      ...session,
      partNumbers: [1, 2],
      checksums: { 1: checksums[0], 2: checksums[1] },
    });
    const parts = [];
    for (const { partNumber, url, headers } of signed.body.parts) {
      expect(checksumParams(url)).toEqual([]);
      const stored = await put(
        url,
        big.subarray((partNumber - 1) * partSize, partNumber * partSize),
        headers,
      );
      expect(stored.status).toBe(200);
      parts.push({ partNumber, etag: stored.etag!, checksum: checksums[partNumber - 1] });
    }
    const completed = await multipart('multipart/complete', {
      ...session,
      parts,
      file: file(big.length, 'movie.mp4', 'video/mp4'),
    });
    expect(completed.status).toBe(200);
    expect(await objectSha256(s3, bucket, session.key)).toBe(sha256(big));
  });
});
