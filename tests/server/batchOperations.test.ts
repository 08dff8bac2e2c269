// @vitest-environment node
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createUploadHandler } from '../../src/server/createUploadHandler';
import { HttpError } from '../../src/server/httpError';
import type { UploadEvent, UploadHandlerConfig } from '../../src/server/index';
import { memoryRateLimiter } from '../../src/server/rateLimiter';
import { createTokenSigner } from '../../src/server/uploadToken';
import { fakeS3 } from './fakeS3';

const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes';
const KiB = 1024;

// Presigning is local: this store is never asked.
const signingS3 = new S3Client({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9',
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test-secret' },
});

interface Result {
  status: number;
  body: any;
  retryAfter?: number;
}

function handlerFor(overrides: Partial<UploadHandlerConfig<string>> = {}) {
  const events: UploadEvent[] = [];
  let authorized = 0;
  const handler = createUploadHandler<string>({
    s3: signingS3,
    bucket: 'b',
    secret: SECRET,
    authorize: (request) => {
      authorized++;
      return request.headers.get('x-user');
    },
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  async function call(
    path: string,
    body: unknown,
    init: { user?: string | null; headers?: HeadersInit } = {},
  ) {
    const user = init.user === undefined ? 'u1' : init.user;
    const response = await handler(
      new Request(`http://app.test/api/upload/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(user ? { 'x-user': user } : {}), ...init.headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }
  const results = async (path: string, body: unknown) => {
    const answer = await call(path, body);
    expect(answer.status).toBe(200);
    return answer.body.results as Result[];
  };
  return { call, results, events, authorizeCalls: () => authorized };
}

const file = (name: string, size = 100, type = 'image/png') => ({ name, size, type });

describe('presign/batch', () => {
  it('answers each entry as presign would, in the order sent', async () => {
    const { call, results, events } = handlerFor();
    const checksum = 'A'.repeat(43) + '=';
    const answers = await results('presign/batch', {
      files: [
        { file: file('a.png') },
        { file: file('b.pdf', 200, 'application/pdf'), checksum },
        { file: file('c.txt', 300, 'text/plain') },
      ],
    });
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.map((r) => r.body.key)).toEqual([
      expect.stringMatching(/^uploads\/u1\/[0-9a-f-]{36}\.png$/),
      expect.stringMatching(/\.pdf$/),
      expect.stringMatching(/\.txt$/),
    ]);
    expect(answers[1]?.body.headers).toEqual({
      'Content-Type': 'application/pdf',
      'Content-Disposition': 'inline',
      'x-amz-checksum-sha256': checksum,
    });
    // The same fields as a one-file presign answer, nothing more.
    const single = await call('presign', { file: file('a.png') });
    expect(Object.keys(answers[0]!.body).sort()).toEqual(Object.keys(single.body).sort());
    expect(answers[0]?.body.url).toContain('/b/pending/uploads/u1/');
    // Metrics stay per file (entries run side by side, so in any order).
    const signed = events.filter((e) => e.type === 'signed');
    expect(signed.map((e) => [e.operation, e.key]).sort()).toEqual(
      [...answers.map((r) => r.body.key), single.body.key].map((key) => ['presign', key]).sort(),
    );
  });

  it('refuses an entry as presign would, and signs the others', async () => {
    const { call, results, events } = handlerFor({ maxFileSize: 1000, allowedTypes: ['image/*'] });
    const entries = [
      { file: file('ok.png') },
      { file: file('huge.png', 1001) },
      { file: file('page.html', 10, 'text/html') },
      { file: { name: 'no-size.png', type: 'image/png' } },
      'not an object',
      { file: file('fine.png') },
    ];
    const answers = await results('presign/batch', { files: entries });
    expect(answers.map((r) => [r.status, r.body.error?.code])).toEqual([
      [200, undefined],
      [413, 'file-too-large'],
      [415, 'file-type-not-allowed'],
      [400, 'bad-request'],
      [400, 'bad-request'],
      [200, undefined],
    ]);
    // Exactly the status and body of the one-file call for the same entry.
    for (const [index, entry] of entries.entries()) {
      if (answers[index]?.status === 200) continue;
      const single = await call('presign', JSON.stringify(entry));
      expect({ status: single.status, body: single.body }).toEqual(answers[index]);
    }
    expect(
      events
        .filter((e) => e.type === 'rejected')
        .slice(0, 4)
        .map((e) => 'operation' in e && e.operation),
    ).toEqual(['presign', 'presign', 'presign', 'presign']);
  });

  it('answers an unexpected exception in one entry with a generic 500, and the others as usual', async () => {
    const { results, events } = handlerFor({
      objectKey: ({ fileName, userId, extension }) => {
        if (fileName === 'boom.png') throw new Error('db://admin:hunter2@10.0.0.5 is down');
        return `uploads/${userId}/${fileName}-${Math.random()}${extension}`;
      },
    });
    const answers = await results('presign/batch', {
      files: [{ file: file('a.png') }, { file: file('boom.png') }, { file: file('c.png') }],
    });
    expect(answers.map((r) => r.status)).toEqual([200, 500, 200]);
    expect(answers[1]?.body).toEqual({
      error: { code: 'server-error', message: 'The upload server failed. Try again in a moment.' },
    });
    expect(JSON.stringify(answers)).not.toContain('hunter2');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'rejected', operation: 'presign', userId: 'u1', status: 500 }),
    );
  });

  it('refuses a malformed, empty or too large batch whole', async () => {
    const { call, events } = handlerFor({ maxBatchSize: 3 });
    for (const body of [{}, { files: [] }, { files: { file: file('a.png') } }, '[]', '{"files": [']) {
      const answer = await call('presign/batch', body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('bad-request');
    }
    const four = await call('presign/batch', {
      files: Array.from({ length: 4 }, () => ({ file: file('a.png') })),
    });
    expect(four.status).toBe(413);
    expect(four.body.error).toEqual({
      code: 'batch-too-large',
      message: 'A batch holds at most 3 files; this one has 4. Send the others in another batch.',
    });
    expect(events.at(-1)).toMatchObject({ type: 'rejected', operation: 'presign/batch', status: 413 });
    const { call: byDefault } = handlerFor();
    const many = (count: number) => Array.from({ length: count }, () => ({ file: file('a.png') }));
    expect((await byDefault('presign/batch', { files: many(100) })).status).toBe(200);
    const tooMany = await byDefault('presign/batch', { files: many(101) });
    expect([tooMany.status, tooMany.body.error.message]).toEqual([
      413,
      expect.stringContaining('at most 100'),
    ]);
  });

  it('checks the caller once per batch, before reading entries', async () => {
    const { call, authorizeCalls, events } = handlerFor({ allowedOrigins: ['https://app.test'] });
    const body = { files: [{ file: file('a.png') }, { file: file('b.png') }, { file: file('c.png') }] };
    const anonymous = await call('presign/batch', body, { user: null });
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'unauthorized']);
    expect(authorizeCalls()).toBe(1);
    expect((await call('presign/batch', body)).status).toBe(200);
    expect(authorizeCalls()).toBe(2);
    const foreign = await call('presign/batch', body, { headers: { origin: 'https://evil.test' } });
    expect(foreign.status).toBe(403);
    const form = await call('presign/batch', body, { headers: { 'content-type': 'text/plain' } });
    expect(form.status).toBe(415);
    // Refused before authorize, which ran for neither.
    expect(authorizeCalls()).toBe(2);
    expect(events.filter((e) => e.type === 'rejected').map((e) => 'operation' in e && e.operation)).toEqual([
      'presign/batch',
      'presign/batch',
      'presign/batch',
    ]);
  });

  it('costs one rate-limit unit per entry: entries past the limit get 429, then the whole batch does', async () => {
    let t = 0;
    const { call, results } = handlerFor({
      now: () => t,
      rateLimit: memoryRateLimiter({ limit: 5, windowMs: 60_000, now: () => t }),
    });
    const batch = (count: number) => ({
      files: Array.from({ length: count }, () => ({ file: file('a.png') })),
    });
    expect((await results('presign/batch', batch(3))).map((r) => r.status)).toEqual([200, 200, 200]);
    t = 15_000;
    const partly = await results('presign/batch', batch(4));
    expect(partly.map((r) => [r.status, r.retryAfter])).toEqual([
      [200, undefined],
      [200, undefined],
      [429, 45],
      [429, 45],
    ]);
    expect(partly[2]?.body.error.code).toBe('rate-limited');
    const refused = await call('presign/batch', batch(2));
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '45']);
    t = 60_000;
    expect((await results('presign/batch', batch(5))).map((r) => r.status)).toEqual([
      200, 200, 200, 200, 200,
    ]);
  });

  it('reads at most 1 MiB, which holds 100 entries with the longest names and metadata', async () => {
    const { call } = handlerFor();
    // 1,020 three-byte characters, and 2 KiB of metadata as JSON: the most one-file calls allow.
    const metadata = { note: 'm'.repeat(2048 - '{"note":""}'.length) };
    const largest = {
      file: { ...file(`${'写'.repeat(1020)}.png`), metadata },
      checksum: 'A'.repeat(43) + '=',
    };
    const full = await call('presign/batch', { files: Array.from({ length: 100 }, () => largest) });
    expect(full.status).toBe(200);
    expect(full.body.results.every((r: Result) => r.status === 200)).toBe(true);

    const tooLarge = await call('presign/batch', {
      files: [{ file: file('a.png') }],
      padding: 'x'.repeat(1024 * KiB),
    });
    expect([tooLarge.status, tooLarge.body.error.code]).toEqual([413, 'body-too-large']);
    // An entry gets the one-file call's cap, as that call would.
    const padded = await call('presign/batch', {
      files: [{ file: file('a.png'), padding: 'x'.repeat(64 * KiB) }, { file: file('b.png') }],
    });
    expect(padded.body.results.map((r: Result) => [r.status, r.body.error?.code])).toEqual([
      [413, 'body-too-large'],
      [200, undefined],
    ]);
  });

  it('routes the batch paths apart from the one-file ones', async () => {
    const { call } = handlerFor();
    const one = await call('presign', { file: file('a.png') });
    expect(one.body.key).toMatch(/\.png$/);
    const batch = await call('presign/batch/', { files: [{ file: file('a.png') }] });
    expect(batch.body.results).toHaveLength(1);
    expect((await call('complete/batch', { uploads: [{}] })).body.results[0].status).toBe(400);
    expect((await call('batch', { files: [] })).status).toBe(404);
    expect((await call('multipart/batch', { files: [] })).status).toBe(404);
  });
});

// A 1x1 PNG: content sniffing recognises it as image/png.
const PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
);

describe('complete/batch', () => {
  const signer = createTokenSigner(SECRET);
  const upload = async (key: string, size = PNG.length, type = 'image/png', userId = 'u1') => ({
    key,
    token: await signer.sign({
      userId,
      key,
      uploadId: '',
      size,
      partSize: 0,
      type,
      exp: Math.floor(Date.now() / 1000) + 600,
    }),
    etag: '"whatever"',
    file: { name: key.split('/').at(-1), size, type },
  });

  function storeFor(overrides: Partial<UploadHandlerConfig<string>> = {}) {
    const s3 = fakeS3();
    const completed: string[] = [];
    const handler = handlerFor({
      s3: s3.client,
      onComplete: ({ key, fileName }) => {
        completed.push(key);
        return { key, fileName, url: `https://cdn.test/${key}` };
      },
      ...overrides,
    });
    return { ...handler, s3, completed };
  }

  it('verifies and completes each entry on its own, answering in the order sent', async () => {
    const { results, s3, completed, events } = storeFor();
    s3.put('pending/uploads/u1/a.png', PNG, 'image/png');
    s3.put('pending/uploads/u1/short.png', PNG.slice(0, 40), 'image/png');
    s3.put(
      'pending/uploads/u1/fake.png',
      new TextEncoder().encode('MZ'.padEnd(PNG.length, '\0')),
      'image/png',
    );
    s3.put('pending/uploads/u1/b.png', PNG, 'image/png');
    const good = await upload('uploads/u1/a.png');
    const answers = await results('complete/batch', {
      uploads: [
        good,
        await upload('uploads/u1/short.png'),
        await upload('uploads/u1/missing.png'),
        await upload('uploads/u1/fake.png'),
        { ...(await upload('uploads/u1/b.png')), token: good.token },
        await upload('uploads/u1/b.png'),
      ],
    });
    expect(answers.map((r) => [r.status, r.body.error?.code ?? r.body.key])).toEqual([
      [200, 'uploads/u1/a.png'],
      [400, 'size-mismatch'],
      [404, 'not-found'],
      [415, 'content-mismatch'],
      [403, 'forbidden'],
      [200, 'uploads/u1/b.png'],
    ]);
    expect(answers[0]?.body).toEqual({
      key: 'uploads/u1/a.png',
      fileName: 'a.png',
      url: 'https://cdn.test/uploads/u1/a.png',
    });
    // Verified bytes moved to their final keys; refused ones are gone, never promoted.
    expect(completed.sort()).toEqual(['uploads/u1/a.png', 'uploads/u1/b.png']);
    expect([...s3.objects.keys()].sort()).toEqual(['uploads/u1/a.png', 'uploads/u1/b.png']);
    expect(
      events
        .filter((e) => e.type === 'completed')
        .map((e) => 'key' in e && e.key)
        .sort(),
    ).toEqual(['uploads/u1/a.png', 'uploads/u1/b.png']);
    expect(
      events.filter((e) => e.type === 'rejected').map((e) => e.type === 'rejected' && [e.operation, e.code]),
    ).toEqual(
      expect.arrayContaining([
        ['complete', 'size-mismatch'],
        ['complete', 'not-found'],
        ['complete', 'content-mismatch'],
        ['complete', 'forbidden'],
      ]),
    );
  });

  it('gives the same upload twice in one batch one completion, one copy and one answer', async () => {
    const { results, s3, completed } = storeFor();
    s3.put('pending/uploads/u1/a.png', PNG, 'image/png');
    const entry = await upload('uploads/u1/a.png');
    const answers = await results('complete/batch', { uploads: [entry, entry] });
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(answers[1]).toEqual(answers[0]);
    expect(completed).toEqual(['uploads/u1/a.png']);
    // One verification and one copy: the second entry waited for the first's completion.
    expect(s3.stats.calls.filter((name) => name === 'UploadPartCopyCommand')).toHaveLength(1);
  });

  it('runs batchConcurrency entries at a time (4 by default), not the whole batch at once', async () => {
    for (const [options, bound] of [
      [{}, 4],
      [{ batchConcurrency: 2 }, 2],
    ] as const) {
      const { results, s3 } = storeFor(options);
      const uploads = [];
      for (let i = 0; i < 10; i++) {
        s3.put(`pending/uploads/u1/${i}.png`, PNG, 'image/png');
        uploads.push(await upload(`uploads/u1/${i}.png`));
      }
      const answers = await results('complete/batch', { uploads });
      expect(answers.map((r) => r.body.key)).toEqual(uploads.map((u) => u.key));
      expect(s3.stats.maxInFlight).toBe(bound);
    }
  });

  it('answers an exception in one entry with a generic 500, and completes the others', async () => {
    const { results, s3 } = storeFor({
      onComplete: ({ key }) => {
        if (key.endsWith('b.png')) throw new Error('INSERT failed: password=hunter2');
        if (key.endsWith('c.png')) throw new HttpError(403, 'forbidden', 'Your storage quota is full.');
        return { key };
      },
    });
    for (const name of ['a', 'b', 'c']) s3.put(`pending/uploads/u1/${name}.png`, PNG, 'image/png');
    const answers = await results('complete/batch', {
      uploads: [
        await upload('uploads/u1/a.png'),
        await upload('uploads/u1/b.png'),
        await upload('uploads/u1/c.png'),
      ],
    });
    expect(answers).toEqual([
      { status: 200, body: { key: 'uploads/u1/a.png' } },
      {
        status: 500,
        body: {
          error: { code: 'server-error', message: 'The upload server failed. Try again in a moment.' },
        },
      },
      { status: 403, body: { error: { code: 'forbidden', message: 'Your storage quota is full.' } } },
    ]);
    // The failed one's bytes wait at the pending key for a retry; the refused one's are gone.
    expect([...s3.objects.keys()].sort()).toEqual(['pending/uploads/u1/b.png', 'uploads/u1/a.png']);
  });
});

describe('batch configuration', () => {
  it('refuses batch limits outside the protocol', () => {
    const base = { s3: signingS3, bucket: 'b', secret: SECRET, authorize: () => 'u' };
    expect(() => createUploadHandler({ ...base, maxBatchSize: 101 })).toThrow(/maxBatchSize/);
    expect(() => createUploadHandler({ ...base, maxBatchSize: 0 })).toThrow(/maxBatchSize/);
    expect(() => createUploadHandler({ ...base, batchConcurrency: 0 })).toThrow(/batchConcurrency/);
    expect(() => createUploadHandler({ ...base, maxBatchSize: 1, batchConcurrency: 16 })).not.toThrow();
  });
});
