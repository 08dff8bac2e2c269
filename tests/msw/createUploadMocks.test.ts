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
