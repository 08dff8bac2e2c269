import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUploader } from '../../src/createUploader';
import { createUploadMocks, type UploadMocksOptions } from '../../src/msw/index';
import { blobSha256, deferred, patternedFile, sha256 } from '../helpers/memoryStorage';

const MiB = 1024 * 1024;
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** The shipped mocks behind the real client: httpBackend, xhrTransport, the engine. */
function uploaderWith(options: UploadMocksOptions, mode: 'single' | 'multipart' = 'single') {
  const mocks = createUploadMocks(options);
  server.use(...mocks.handlers);
  const uploader = createUploader({
    endpoint: '/api/upload',
    mode,
    partSize: 5 * MiB,
    resumeStorage: false,
    retry: { retries: 4, baseDelayMs: 1, maxDelayMs: 2 },
  });
  return { mocks, uploader };
}

describe('createUploadMocks', () => {
  it('stores the exact bytes of single and multipart uploads', async () => {
    const { mocks, uploader } = uploaderWith({});
    const small = patternedFile(2000, 'a.txt', 'text/plain');
    const [item] = await uploader.upload([small]);
    expect(item?.status).toBe('done');
    expect(sha256(mocks.objects.get(item!.key!))).toBe(await blobSha256(small));

    const { mocks: multi, uploader: multiUploader } = uploaderWith({}, 'multipart');
    const big = patternedFile(11 * MiB, 'b.bin');
    const [part] = await multiUploader.upload([big]);
    expect(part?.status).toBe('done');
    expect(sha256(multi.objects.get(part!.key!))).toBe(await blobSha256(big));
    expect(multi.requests.map((r) => r.path)).toEqual([
      'multipart/create',
      'multipart/sign-parts',
      'multipart/complete',
    ]);
  });

  it('fails PUTs at the configured rate, and upkit retries them', async () => {
    let calls = 0;
    // Deterministic "random": every other PUT fails.
    const { mocks, uploader } = uploaderWith({
      failureRate: 0.5,
      random: () => (calls++ % 2 === 0 ? 0.1 : 0.9),
    });
    const items = await uploader.upload([patternedFile(10, 'a.bin'), patternedFile(20, 'b.bin')]);
    expect(items.map((i) => i.status)).toEqual(['done', 'done']);
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(mocks.objects.size).toBe(2);
  });

  it('expires URLs, and upkit re-signs them', async () => {
    let clock = Date.now();
    const { mocks, uploader } = uploaderWith({ urlExpiresIn: 60, now: () => clock });
    let first = true;
    // Runs before the mocks' own PUT handler: the first PUT arrives two minutes late.
    server.use(
      http.put('https://storage.upkit.test/bucket/*', () => {
        if (first) {
          first = false;
          clock += 120_000;
        }
        return undefined;
      }),
    );
    const [item] = await uploader.upload([patternedFile(10, 'late.bin')]);
    expect(item?.status).toBe('done');
    expect(mocks.requests.filter((r) => r.path === 'presign')).toHaveLength(2);
  });

  it('leaves out ETag when asked, so multipart fails with missing-etag', async () => {
    const { uploader } = uploaderWith({ exposeEtag: false }, 'multipart');
    const [item] = await uploader.upload([patternedFile(100, 'x.bin')]);
    expect(item?.error?.code).toBe('missing-etag');
  });

  it('refuses files over maxFileSize with 413 and a message for people', async () => {
    const { uploader } = uploaderWith({ maxFileSize: 10 });
    const [item] = await uploader.upload([patternedFile(11, 'big.bin')]);
    expect(item?.error).toMatchObject({ code: 'backend-error', status: 413, serverCode: 'file-too-large' });
  });

  it('answers a control call with what onControl returns, after recording it', async () => {
    const seen: string[] = [];
    const { mocks, uploader } = uploaderWith({
      onControl: ({ path }) => {
        seen.push(path);
        return path === 'complete'
          ? HttpResponse.json(
              { error: { code: 'content-mismatch', message: 'The file is not a PNG. It was removed.' } },
              { status: 415 },
            )
          : undefined;
      },
    });
    const [item] = await uploader.upload([patternedFile(10, 'fake.png', 'image/png')]);
    expect(item?.error).toMatchObject({
      code: 'backend-error',
      status: 415,
      serverCode: 'content-mismatch',
      message: 'The file is not a PNG. It was removed.',
    });
    // Nothing returned for presign: the mocks answered it and stored the PUT.
    expect(seen).toEqual(['presign', 'complete']);
    expect(mocks.requests.map((r) => r.path)).toEqual(['presign', 'complete']);
    expect(mocks.objects.get(item!.key!)).toHaveLength(10);
  });

  it('answers a PUT with what onStorage returns, and stores it when onStorage returns nothing', async () => {
    let puts = 0;
    const { mocks, uploader } = uploaderWith({
      onStorage: () =>
        ++puts === 1
          ? new HttpResponse('<Error><Code>SlowDown</Code></Error>', {
              status: 503,
              headers: { 'retry-after': '0' },
            })
          : undefined,
    });
    const file = patternedFile(2000, 'slow.bin');
    const [item] = await uploader.upload([file]);
    expect(item?.status).toBe('done');
    expect(puts).toBe(2);
    expect(sha256(mocks.objects.get(item!.key!))).toBe(await blobSha256(file));
  });

  it('holds a PUT until the promise onStorage returns settles', async () => {
    const arrived = deferred();
    const release = deferred<undefined>();
    const { mocks, uploader } = uploaderWith({
      onStorage: () => {
        arrived.resolve();
        return release.promise;
      },
    });
    const uploading = uploader.upload([patternedFile(10, 'held.bin')]);
    await arrived.promise;
    // Time enough for a 10-byte PUT that is not held to land many times over.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(uploader.store.getState().items[0]?.status).toBe('uploading');
    expect(mocks.objects.size).toBe(0);
    release.resolve(undefined);
    const [item] = await uploading;
    expect(item?.status).toBe('done');
    expect(mocks.objects.get(item!.key!)).toHaveLength(10);
  });

  it('reset forgets everything', async () => {
    const { mocks, uploader } = uploaderWith({});
    await uploader.upload([patternedFile(10)]);
    mocks.reset();
    expect([mocks.objects.size, mocks.uploads.size, mocks.requests.length]).toEqual([0, 0, 0]);
  });
});

describe('createUploadMocks batch endpoints', () => {
  const API = 'https://app.test/api/upload';

  function mocksWith(options: UploadMocksOptions = {}) {
    const mocks = createUploadMocks({ endpoint: API, ...options });
    server.use(...mocks.handlers);
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${API}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    return { mocks, post };
  }
  const file = (name: string, size = 10) => ({ name, size, type: 'application/octet-stream' });

  it('answers each entry as its one-file call, in the order sent, and records the entries', async () => {
    const { mocks, post } = mocksWith({ maxFileSize: 100 });
    const presigned = await post('presign/batch', {
      files: [{ file: file('a.txt') }, { file: file('big.bin', 101) }, { file: file('c.png') }],
    });
    expect(presigned.status).toBe(200);
    expect(presigned.body.results.map((r: any) => [r.status, r.body.key ?? r.body.error.code])).toEqual([
      [200, 'uploads/mock/1.txt'],
      [413, 'file-too-large'],
      [200, 'uploads/mock/2.png'],
    ]);
    const [a] = presigned.body.results;
    expect((await fetch(a.body.url, { method: 'PUT', body: 'ten bytes!' })).status).toBe(200);

    const completed = await post('complete/batch', {
      uploads: [
        { key: 'uploads/mock/1.txt', token: a.body.token, file: file('a.txt') },
        { key: 'uploads/mock/2.png', token: 'mock:uploads/mock/2.png', file: file('c.png') },
      ],
    });
    expect(completed.body.results).toEqual([
      { status: 200, body: { key: 'uploads/mock/1.txt', size: 10 } },
      {
        status: 404,
        body: { error: { code: 'not-found', message: 'No uploaded file was found. Upload it again.' } },
      },
    ]);
    // Each entry is recorded as the one-file call it stands for.
    expect(mocks.requests.map((r) => [r.path, r.batch])).toEqual([
      ['presign', { call: 1, index: 0 }],
      ['presign', { call: 1, index: 1 }],
      ['presign', { call: 1, index: 2 }],
      ['complete', { call: 2, index: 0 }],
      ['complete', { call: 2, index: 1 }],
    ]);
    expect(mocks.requests[1]?.body).toEqual({ file: file('big.bin', 101) });
  });

  it("gives each entry onControl's answer for it, Retry-After included; a dropped connection drops the call", async () => {
    const seen: string[] = [];
    const { post } = mocksWith({
      onControl: ({ path, body }) => {
        const name = (body.file as { name?: string } | undefined)?.name;
        seen.push(`${path} ${name}`);
        if (name === 'busy.txt') {
          return HttpResponse.json(
            { error: { code: 'rate-limited', message: 'Slow down.' } },
            { status: 429, headers: { 'retry-after': '7' } },
          );
        }
        if (name === 'gone.txt') return new HttpResponse(null, { status: 204 });
        return name === 'drop.txt' ? HttpResponse.error() : undefined;
      },
    });
    const answer = await post('presign/batch', {
      files: [{ file: file('a.txt') }, { file: file('busy.txt') }, { file: file('gone.txt') }],
    });
    expect(answer.body.results.slice(1)).toEqual([
      { status: 429, body: { error: { code: 'rate-limited', message: 'Slow down.' } }, retryAfter: 7 },
      { status: 204, body: null },
    ]);
    expect(seen).toEqual(['presign a.txt', 'presign busy.txt', 'presign gone.txt']);
    await expect(
      post('presign/batch', { files: [{ file: file('a.txt') }, { file: file('drop.txt') }] }),
    ).rejects.toThrow();
  });

  it('refuses a malformed, empty or too large batch whole, and a non-object entry alone', async () => {
    const { mocks, post } = mocksWith({ maxBatchSize: 2 });
    const three = await post('presign/batch', { files: [1, 2, 3].map((n) => ({ file: file(`${n}.txt`) })) });
    expect([three.status, three.body.error.code]).toEqual([413, 'batch-too-large']);
    expect(three.body.error.message).toContain('at most 2');
    expect((await post('complete/batch', { uploads: [] })).status).toBe(400);
    expect((await post('complete/batch', { files: [{}] })).status).toBe(400);
    const mixed = await post('presign/batch', { files: ['a.txt', { file: file('b.txt') }] });
    expect(mixed.body.results.map((r: any) => r.status)).toEqual([400, 200]);
    expect(mocks.requests.map((r) => r.path)).toEqual([
      'presign/batch',
      'complete/batch',
      'complete/batch',
      'presign',
    ]);
  });

  it('with batchEndpoints: false, answers both batch paths 404 like an unknown endpoint', async () => {
    const { mocks, post } = mocksWith({ batchEndpoints: false });
    for (const [path, field] of [
      ['presign/batch', 'files'],
      ['complete/batch', 'uploads'],
    ] as const) {
      const answer = await post(path, { [field]: [{ file: file('a.txt') }] });
      expect([answer.status, answer.body.error.code]).toEqual([404, 'not-found']);
    }
    // The one-file calls still work.
    expect((await post('presign', { file: file('a.txt') })).body.key).toBe('uploads/mock/1.txt');
    expect(mocks.requests.map((r) => r.path)).toEqual(['presign/batch', 'complete/batch', 'presign']);
  });
});
