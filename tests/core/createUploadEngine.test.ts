import { describe, expect, it, vi } from 'vitest';
import { createUploadEngine, type UploadEngineOptions } from '../../src/core/createUploadEngine';
import { toUploadError, UploadError } from '../../src/core/errors';
import {
  fileFingerprint,
  memorySessionStore,
  type SessionRecord,
  type SessionStore,
} from '../../src/core/resumeStore';
import { storageError } from '../../src/core/storageError';
import type { UploadItem } from '../../src/core/types';
import {
  blobSha256,
  createMemoryStorage,
  sha256,
  deferred,
  patternedFile,
  type StoredResult,
} from '../helpers/memoryStorage';

const MiB = 1024 * 1024;
const fastRetry = { retries: 3, baseDelayMs: 1, maxDelayMs: 5 };

function setup(overrides: Partial<UploadEngineOptions<StoredResult>> = {}, storageOptions = {}) {
  const storage = createMemoryStorage(storageOptions);
  const engine = createUploadEngine<StoredResult>({
    backend: storage.backend,
    transport: storage.transport,
    retry: fastRetry,
    resumeStorage: false,
    scheduleFrame: (flush) => {
      const timer = setTimeout(flush, 0);
      return () => clearTimeout(timer);
    },
    ...overrides,
  });
  return { storage, engine };
}

/** Resolves when the item reaches `status` (or fails the test after 2 s). */
function waitForStatus(
  engine: { store: { getState(): { items: readonly UploadItem[] }; subscribe(l: () => void): () => void } },
  id: string,
  status: string,
) {
  return vi.waitFor(
    () => {
      const item = engine.store.getState().items.find((i) => i.id === id);
      if (item?.status !== status) throw new Error(`status is ${item?.status}, want ${status}`);
      return item;
    },
    { timeout: 2000, interval: 2 },
  );
}

/** A session remembered by an earlier page for a 6 MiB file named `name`. */
function rememberedSession(name: string, uploadId: string): SessionRecord {
  const file = { name, size: 6 * MiB, type: 'application/octet-stream', lastModified: 1_700_000_000_000 };
  return {
    id: fileFingerprint(file, 'default'),
    scope: 'default',
    file,
    uploadId,
    key: 'uploads/x',
    partSize: 5 * MiB,
    savedAt: Date.now(),
  };
}

describe('single uploads', () => {
  it('presigns, PUTs the exact bytes, completes, and reports the result', async () => {
    const onSuccess = vi.fn();
    const { storage, engine } = setup({ mode: 'single', onSuccess });
    const file = patternedFile(300_000, 'photo.jpg', 'image/jpeg');

    const [item] = await engine.upload([file]);

    expect(item?.status).toBe('done');
    expect(item?.bytesUploaded).toBe(300_000);
    expect(item?.key).toBe('uploads/0-photo.jpg');
    expect(item?.result).toEqual({ key: 'uploads/0-photo.jpg', size: 300_000 });
    expect(sha256(storage.objects.get('uploads/0-photo.jpg'))).toBe(await blobSha256(file));
    expect(storage.calls).toEqual(['presign', 'complete']);
    expect(onSuccess).toHaveBeenCalledTimes(1);
    expect(onSuccess.mock.calls[0]?.[0]).toMatchObject({ status: 'done', name: 'photo.jpg' });
  });

  it('passes through queued -> signing -> uploading -> completing -> done, in that order', async () => {
    // Each stage outlasts a frame, so each status is published.
    const slow = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 10));
    const storage = createMemoryStorage();
    const { engine } = setup({
      mode: 'single',
      backend: {
        ...storage.backend,
        presign: async (...args) => slow(await storage.backend.presign(...args)),
        complete: async (...args) => slow(await storage.backend.complete(...args)),
      },
      transport: async (request) => slow(await storage.transport(request)),
    });
    const seen: string[] = [];
    engine.store.subscribe((state) => {
      const status = state.items[0]?.status;
      if (status && seen.at(-1) !== status) seen.push(status);
    });
    await engine.upload([patternedFile(10)]);
    expect(seen).toEqual(['queued', 'signing', 'uploading', 'completing', 'done']);
  });

  it('uploads a 0-byte file', async () => {
    const { storage, engine } = setup({ mode: 'single' });
    const [item] = await engine.upload([new File([], 'empty.txt', { type: 'text/plain' })]);
    expect(item?.status).toBe('done');
    expect(storage.objects.get('uploads/0-empty.txt')).toEqual(new Uint8Array(0));
  });

  it('sends the Content-Type the URL was signed with', async () => {
    const { storage, engine } = setup({ mode: 'single' });
    let sentType: string | undefined;
    storage.intercept((request) => {
      sentType = request.body.type;
      return undefined;
    });
    await engine.upload([patternedFile(10, 'a.png', 'image/png')]);
    expect(sentType).toBe('image/png');
  });
});

describe('multipart uploads', () => {
  it('splits into parts, signs them in one batch, and reassembles the exact bytes', async () => {
    const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB });
    const file = patternedFile(10 * MiB + 3, 'video.mp4', 'video/mp4');

    const [item] = await engine.upload([file]);

    expect(item?.status).toBe('done');
    expect(storage.calls).toEqual(['createMultipart', 'signParts:1,2,3', 'completeMultipart']);
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
    expect(storage.uploads.size).toBe(0);
  });

  it('signs parts in batches of signBatchSize, each part once', async () => {
    const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB, signBatchSize: 2 });
    const file = patternedFile(6 * 5 * MiB);
    await engine.upload([file]);
    const batches = storage.calls
      .filter((c) => c.startsWith('signParts:'))
      .map((c) => c.slice(10).split(',').map(Number));
    expect(batches.every((b) => b.length <= 2)).toBe(true);
    expect(batches.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('uploads a 0-byte file as one empty part', async () => {
    const { storage, engine } = setup({ mode: 'multipart' });
    const [item] = await engine.upload([new File([], 'empty.bin')]);
    expect(item?.status).toBe('done');
    expect(storage.objects.get(item!.key!)).toEqual(new Uint8Array(0));
  });

  it('fails with missing-etag, without hanging or retrying, when CORS hides the ETag', async () => {
    const onError = vi.fn();
    const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB, onError });
    storage.intercept(() => ({ status: 200, etag: undefined }));
    const [item] = await engine.upload([patternedFile(6 * MiB)]);
    expect(item?.status).toBe('error');
    expect(item?.error?.code).toBe('missing-etag');
    expect(item?.error?.message).toMatch(/ExposeHeaders/);
    expect(storage.puts).toHaveLength(2);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('picks multipart for files at or above multipartThreshold in auto mode', async () => {
    const { engine } = setup({ mode: 'auto', multipartThreshold: 6 * MiB });
    const items = await engine.upload([patternedFile(6 * MiB - 1), patternedFile(6 * MiB)]);
    expect(items.map((i) => i.mode)).toEqual(['single', 'multipart']);
    expect(items.map((i) => i.status)).toEqual(['done', 'done']);
  });
});

describe('retry', () => {
  it('retries 503 and network errors with backoff, then succeeds', async () => {
    const { storage, engine } = setup({ mode: 'single' });
    storage.intercept((_request, attempt) => {
      if (attempt === 0) throw storageError(503, '<Error><Code>SlowDown</Code></Error>', null);
      if (attempt === 1) throw new UploadError('network', 'connection reset');
      return undefined;
    });
    const file = patternedFile(1000);
    const [item] = await engine.upload([file]);
    expect(item?.status).toBe('done');
    expect(storage.puts).toHaveLength(3);
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
  });

  it('gives up after `retries` attempts with the last error', async () => {
    const { storage, engine } = setup({ mode: 'single' });
    storage.intercept(() => {
      throw storageError(500, '<Error><Code>InternalError</Code></Error>', null);
    });
    const [item] = await engine.upload([patternedFile(10)]);
    expect(item?.error?.code).toBe('storage-rejected');
    expect(item?.error?.status).toBe(500);
    expect(storage.puts).toHaveLength(1 + fastRetry.retries);
  });

  it('does not retry a 403 that is not an expiry', async () => {
    const { storage, engine } = setup({ mode: 'single' });
    storage.intercept(() => {
      throw storageError(403, '<Error><Code>SignatureDoesNotMatch</Code></Error>', null);
    });
    const [item] = await engine.upload([patternedFile(10)]);
    expect(item?.error?.code).toBe('storage-rejected');
    expect(item?.error?.message).toContain('SignatureDoesNotMatch');
    expect(storage.puts).toHaveLength(1);
  });

  it('retries one failed part without re-sending the others', async () => {
    const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB });
    let failed = false;
    storage.intercept((request) => {
      if (!failed && request.url.includes('partNumber=2')) {
        failed = true;
        throw new UploadError('network', 'reset');
      }
      return undefined;
    });
    const file = patternedFile(12 * MiB);
    const [item] = await engine.upload([file]);
    expect(item?.status).toBe('done');
    const count = (n: number) =>
      storage.puts.filter((u) => u.includes(`partNumber=${n}&`) || u.endsWith(`partNumber=${n}`)).length;
    expect([count(1), count(2), count(3)]).toEqual([1, 2, 1]);
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
  });

  it('retry() restarts a failed upload and it can then succeed', async () => {
    const { storage, engine } = setup({ mode: 'single' });
    storage.intercept(() => {
      throw storageError(400, '<Error><Code>BadRequest</Code></Error>', null);
    });
    const [failed] = await engine.upload([patternedFile(10)]);
    expect(failed?.status).toBe('error');
    storage.intercept(undefined);
    engine.retry(failed!.id);
    const done = await waitForStatus(engine, failed!.id, 'done');
    expect(done.error).toBeUndefined();
  });
});

describe('expired URLs', () => {
  it('re-signs a single PUT URL that storage says expired, then succeeds', async () => {
    let clock = 1_000_000;
    const { storage, engine } = setup(
      { mode: 'single', now: () => clock },
      { urlTtlMs: 60_000, now: () => clock },
    );
    storage.intercept((_request, attempt) => {
      // The first PUT reaches storage after its URL expired (a clock jump, a sleeping laptop).
      if (attempt === 0) clock += 120_000;
      return undefined;
    });
    const [item] = await engine.upload([patternedFile(100)]);
    expect(item?.status).toBe('done');
    expect(storage.calls).toEqual(['presign', 'presign', 'complete']);
    expect(storage.puts).toHaveLength(2);
    // Signed again for the same key: one object, nothing left behind under another.
    const [first, second] = storage.puts.map((url) => new URL(url).pathname);
    expect(second).toBe(first);
    expect([...storage.objects.keys()]).toEqual([item!.key]);
  });

  it('re-signs only the expired part of a multipart upload', async () => {
    let clock = 1_000_000;
    const { storage, engine } = setup(
      { mode: 'multipart', partSize: 5 * MiB, now: () => clock },
      { urlTtlMs: 60_000, now: () => clock },
    );
    storage.intercept((request) => {
      if (
        request.url.includes('partNumber=2') &&
        storage.calls.filter((c) => c === 'signParts:2').length === 0
      ) {
        clock += 120_000;
        return Promise.reject(
          storageError(
            403,
            '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
            null,
          ),
        );
      }
      return undefined;
    });
    const file = patternedFile(11 * MiB);
    const [item] = await engine.upload([file]);
    expect(item?.status).toBe('done');
    expect(storage.calls).toContain('signParts:2');
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
  });

  /**
   * An engine on a storage whose URLs live 60 s by a test clock that moves only when told. Every
   * PUT records the life its URL had left when it was sent and the failure it met, if any.
   */
  function agingSetup(overrides: Partial<UploadEngineOptions<StoredResult>>) {
    let clock = 1_000_000;
    const storage = createMemoryStorage({ urlTtlMs: 60_000, now: () => clock });
    const lifeLeft: number[] = [];
    const failures: string[] = [];
    const { engine } = setup({
      now: () => clock,
      backend: storage.backend,
      transport: async (request) => {
        lifeLeft.push(Number(new URL(request.url).searchParams.get('expires')) - clock);
        try {
          return await storage.transport(request);
        } catch (error) {
          failures.push(toUploadError(error).code);
          throw error;
        }
      },
      ...overrides,
    });
    const advance = (ms: number) => void (clock += ms);
    return { storage, engine, advance, lifeLeft, failures };
  }

  // A PUT's time on the wire: less than the quarter of a URL's life that re-signing keeps in
  // hand (15 s of 60 s), so a URL re-signed in time is still valid when its bytes arrive.
  const WIRE_MS = 12_000;

  it("re-signs a single upload's cached URL that aged before a retry, before the PUT", async () => {
    const { storage, engine, advance, lifeLeft, failures } = agingSetup({ mode: 'single' });
    storage.intercept((_request, attempt) => {
      if (attempt === 0) {
        // The first PUT dies after 50 s on the wire: the cached URL has 10 s left for the retry.
        advance(50_000);
        return Promise.reject(new UploadError('network', 'connection reset'));
      }
      advance(WIRE_MS);
      return undefined;
    });
    const file = patternedFile(100);
    const [item] = await engine.upload([file]);
    expect(item?.status).toBe('done');
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
    // The retry went out with a freshly signed URL, never the one 10 s from expiry.
    expect(storage.calls).toEqual(['presign', 'presign', 'complete']);
    expect(lifeLeft).toEqual([60_000, 60_000]);
    expect(failures).toEqual(['network']);
  });

  it('re-signs a part URL that aged while the part waited for a data slot, before the PUT', async () => {
    // One data slot: whichever file's part PUTs first holds it; the other's part, signed, waits.
    const { storage, engine, advance, lifeLeft, failures } = agingSetup({
      mode: 'multipart',
      concurrency: 1,
    });
    const firstPut = deferred();
    storage.intercept(async (_request, attempt) => {
      if (attempt === 0) await firstPut.promise;
      else advance(WIRE_MS);
      return undefined;
    });
    const files = [patternedFile(1000, 'x.bin'), patternedFile(2000, 'y.bin')];
    const done = engine.upload(files);
    await vi.waitFor(() => expect(storage.calls.filter((c) => c.startsWith('signParts'))).toHaveLength(2));
    // Let the second part reach the scheduler's queue (microtasks only, no I/O left).
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(storage.puts).toHaveLength(1);
    // The held PUT takes 50 s: the queued part's URL now has 10 s left.
    advance(50_000);
    firstPut.resolve();
    const items = await done;

    expect(items.map((i) => i.status)).toEqual(['done', 'done']);
    for (const [i, file] of files.entries()) {
      expect(sha256(storage.objects.get(items[i]!.key!))).toBe(await blobSha256(file));
    }
    // The queued part was signed again before it left; storage never saw an aging URL.
    expect(storage.calls.filter((c) => c.startsWith('signParts'))).toHaveLength(3);
    expect(lifeLeft).toEqual([60_000, 60_000]);
    expect(failures).toEqual([]);
  });
});

describe('pause, resume, cancel', () => {
  /** Parts listed here hang until their request is aborted. */
  function hangParts(storage: ReturnType<typeof createMemoryStorage>, hanging: (url: string) => boolean) {
    storage.intercept((request) => {
      if (!hanging(request.url)) return undefined;
      return new Promise((_resolve, reject) => {
        request.signal.addEventListener('abort', () => reject(new UploadError('aborted', 'aborted')));
      });
    });
  }

  it('pause keeps finished parts; resume sends only the rest; bytes are intact', async () => {
    const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB, concurrency: 1 });
    const file = patternedFile(12 * MiB);
    let hold = true;
    hangParts(storage, (url) => hold && url.includes('partNumber=2'));
    const settled = engine.upload([file]);
    const id = engine.store.getState().items[0]!.id;
    await vi.waitFor(() => expect(storage.puts.some((u) => u.includes('partNumber=2'))).toBe(true));
    await vi.waitFor(() => expect(engine.store.getState().items[0]?.bytesUploaded).toBe(5 * MiB));

    engine.pause(id);
    const paused = engine.store.getState().items[0]!;
    expect(paused.status).toBe('paused');
    expect(paused.bytesUploaded).toBe(5 * MiB);

    hold = false;
    engine.resume(id);
    const [item] = await settled;
    expect(item?.status).toBe('done');
    expect(
      storage.puts.filter((u) => u.includes('partNumber=1&') || u.endsWith('partNumber=1')),
    ).toHaveLength(1);
    expect(storage.calls.filter((c) => c === 'createMultipart')).toHaveLength(1);
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
  });

  it('cancel aborts in-flight requests and aborts the multipart upload on storage', async () => {
    const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB });
    const aborted: string[] = [];
    storage.intercept((request) => {
      return new Promise((_resolve, reject) => {
        request.signal.addEventListener('abort', () => {
          aborted.push(request.url);
          reject(new UploadError('aborted', 'aborted'));
        });
      });
    });
    const settled = engine.upload([patternedFile(11 * MiB)]);
    await vi.waitFor(() => expect(storage.puts).toHaveLength(3));
    await engine.cancel();
    const [item] = await settled;
    expect(item?.status).toBe('canceled');
    expect(aborted).toHaveLength(3);
    expect(storage.calls).toContain('abortMultipart');
    expect(storage.uploads.size).toBe(0);
  });

  it('ignores progress that arrives after cancel', async () => {
    const { storage, engine } = setup({ mode: 'single' });
    let report: ((n: number) => void) | undefined;
    storage.intercept((request) => {
      report = request.onProgress;
      return new Promise(() => undefined);
    });
    engine.upload([patternedFile(100)]);
    await vi.waitFor(() => expect(report).toBeDefined());
    await engine.cancel();
    report!(100);
    await new Promise((r) => setTimeout(r, 5));
    const item = engine.store.getState().items[0]!;
    expect(item.status).toBe('canceled');
    expect(item.bytesUploaded).toBe(0);
  });

  it('reset cancels everything and empties the list', async () => {
    const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB });
    hangParts(storage, () => true);
    const settled = engine.upload([patternedFile(6 * MiB), patternedFile(6 * MiB)]);
    await vi.waitFor(() => expect(storage.calls.filter((c) => c === 'createMultipart')).toHaveLength(2));
    await engine.reset();
    expect(engine.store.getState().items).toEqual([]);
    expect(storage.uploads.size).toBe(0);
    expect((await settled).map((i) => i.status)).toEqual(['canceled', 'canceled']);
  });
});

describe('resume after reload', () => {
  /** Page one stores part 1 of `before` (the other parts hang) and goes away; page two picks `after`. */
  async function reloadAfterPartOne(before: File, after: File) {
    const resumeStorage = memorySessionStore();
    const storage = createMemoryStorage();
    const options = {
      mode: 'multipart',
      partSize: 5 * MiB,
      resumeStorage,
      transport: storage.transport,
      backend: storage.backend,
      retry: fastRetry,
      concurrency: 2,
    } as const;
    const page1 = createUploadEngine<StoredResult>(options);
    storage.intercept((request) =>
      request.url.includes('partNumber=1&') || request.url.endsWith('partNumber=1')
        ? undefined
        : new Promise((_res, rej) =>
            request.signal.addEventListener('abort', () => rej(new UploadError('aborted', 'x'))),
          ),
    );
    void page1.upload([before]);
    await vi.waitFor(() => expect(page1.store.getState().items[0]?.bytesUploaded).toBe(5 * MiB));
    const savedBefore = resumeStorage.records.size;
    page1.pause();

    storage.intercept(undefined);
    storage.puts.length = 0;
    const [item] = await createUploadEngine<StoredResult>(options).upload([after]);
    const partOneSent = storage.puts.some((u) => u.includes('partNumber=1&') || u.endsWith('partNumber=1'));
    return { item, storage, resumeStorage, savedBefore, partOneSent };
  }

  it('lists the parts storage holds and uploads only the missing ones', async () => {
    const file = patternedFile(12 * MiB, 'big.iso');
    const { item, storage, resumeStorage, savedBefore, partOneSent } = await reloadAfterPartOne(file, file);
    expect(savedBefore).toBe(1);
    expect(item?.status).toBe('done');
    expect(storage.calls.filter((c) => c === 'createMultipart')).toHaveLength(1);
    expect(storage.calls).toContain('listParts');
    expect(partOneSent).toBe(false);
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
    await vi.waitFor(() => expect(resumeStorage.records.size).toBe(0));
  });

  it('keeps no stored part of another file with the same name, size, type and date', async () => {
    const first = patternedFile(12 * MiB, 'disk.img');
    // Edited in place, times restored: the same fingerprint, other bytes in every part.
    const bytes = new Uint8Array(first.size);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 3) & 0xff;
    const second = new File([bytes], first.name, { type: first.type, lastModified: first.lastModified });
    const { item, storage, partOneSent } = await reloadAfterPartOne(first, second);
    expect(item?.status).toBe('done');
    expect(storage.calls.filter((c) => c === 'createMultipart')).toHaveLength(1);
    expect(storage.calls).toContain('listParts');
    // Part 1 in storage is the first file's: sent again, and the object is the second file.
    expect(partOneSent).toBe(true);
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(second));
  });

  it('starts afresh when the remembered upload no longer exists', async () => {
    const resumeStorage = memorySessionStore();
    const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB, resumeStorage });
    const file = patternedFile(6 * MiB, 'gone.bin');
    await resumeStorage.put(rememberedSession('gone.bin', 'mpu-vanished'));
    const [item] = await engine.upload([file]);
    expect(item?.status).toBe('done');
    expect(storage.calls.slice(0, 2)).toEqual(['listParts', 'createMultipart']);
  });
});

describe('a server that stops honouring the upload', () => {
  for (const call of ['signParts', 'completeMultipart'] as const) {
    it(`403 on ${call}: aborts the dead upload and completes through a new one, once`, async () => {
      const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB });
      const backend = storage.backend as unknown as Record<
        string,
        (ref: { uploadId: string }) => Promise<unknown>
      >;
      const original = backend[call]!.bind(storage.backend);
      // The first upload's token is refused (it expired, or the secret rotated).
      backend[call] = (ref) =>
        ref.uploadId === 'mpu-0'
          ? Promise.reject(new UploadError('backend-error', 'token expired', { status: 403 }))
          : original(ref);
      const file = patternedFile(11 * MiB, 'long-pause.bin');
      const [item] = await engine.upload([file]);
      expect(item?.status).toBe('done');
      expect(storage.calls.filter((c) => c === 'createMultipart')).toHaveLength(2);
      await vi.waitFor(() => expect(storage.calls).toContain('abortMultipart'));
      expect(storage.uploads.has('mpu-0')).toBe(false);
      expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
    });
  }

  it('a second refusal fails the file instead of starting over again', async () => {
    const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB });
    storage.backend.signParts = () =>
      Promise.reject(new UploadError('backend-error', 'token expired', { status: 403 }));
    const [item] = await engine.upload([patternedFile(6 * MiB, 'refused.bin')]);
    expect(item?.status).toBe('error');
    expect(item?.error?.status).toBe(403);
    expect(storage.calls.filter((c) => c === 'createMultipart')).toHaveLength(2);
  });
});

describe('resume failures', () => {
  const saved = (resumeStorage: SessionStore) => resumeStorage.put(rememberedSession('r.bin', 'mpu-x'));

  it('keeps the remembered session when listParts fails for a passing reason', async () => {
    const resumeStorage = memorySessionStore();
    await saved(resumeStorage);
    const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB, resumeStorage });
    storage.backend.listParts = async () => {
      throw new UploadError('backend-error', 'down', { status: 503 });
    };
    const [item] = await engine.upload([patternedFile(6 * MiB, 'r.bin')]);
    expect(item?.status).toBe('error');
    expect(item?.error?.status).toBe(503);
    expect(storage.calls).not.toContain('createMultipart');
    expect(resumeStorage.records.size).toBe(1);
  });
});

describe('signing', () => {
  it('retries a failing signParts in the part loop only, not in a nested loop', async () => {
    const { storage, engine } = setup({ mode: 'multipart', partSize: 5 * MiB });
    let signCalls = 0;
    storage.backend.signParts = async () => {
      signCalls++;
      throw new UploadError('backend-error', 'down', { status: 500 });
    };
    const [item] = await engine.upload([patternedFile(3 * MiB)]);
    expect(item?.error?.status).toBe(500);
    expect(signCalls).toBe(1 + fastRetry.retries);
  });

  it('ignores part URLs the backend sent but nobody asked for', async () => {
    const { storage, engine } = setup({
      mode: 'multipart',
      partSize: 5 * MiB,
      signBatchSize: 1,
      concurrency: 2,
    });
    const sign = storage.backend.signParts.bind(storage.backend);
    storage.backend.signParts = async (ref, ctx) => {
      const urls = await sign(ref, ctx);
      return ref.partNumbers.includes(2) ? urls : [...urls, { partNumber: 2, url: 'https://evil.test/2' }];
    };
    const file = patternedFile(11 * MiB);
    const [item] = await engine.upload([file]);
    expect(item?.status).toBe('done');
    expect(storage.puts.some((u) => u.startsWith('https://evil.test'))).toBe(false);
  });
});

describe('validation', () => {
  it('keeps rejected files in the list with a typed error and uploads the rest', async () => {
    const onError = vi.fn();
    const { storage, engine } = setup({
      mode: 'single',
      maxFileSize: 1000,
      accept: 'image/*,.pdf',
      maxFiles: 3,
      onError,
    });
    const items = await engine.upload([
      patternedFile(10, 'ok.png', 'image/png'),
      patternedFile(2000, 'huge.png', 'image/png'),
      patternedFile(10, 'notes.txt', 'text/plain'),
      patternedFile(10, 'doc.pdf', ''),
      patternedFile(10, 'more.png', 'image/png'),
      patternedFile(10, 'overflow.png', 'image/png'),
    ]);
    expect(items.map((i) => [i.name, i.status, i.error?.code])).toEqual([
      ['ok.png', 'done', undefined],
      ['huge.png', 'error', 'file-too-large'],
      ['notes.txt', 'error', 'file-type-not-allowed'],
      ['doc.pdf', 'done', undefined],
      ['more.png', 'done', undefined],
      ['overflow.png', 'error', 'too-many-files'],
    ]);
    expect(storage.calls.filter((c) => c === 'presign')).toHaveLength(3);
    expect(onError).toHaveBeenCalledTimes(3);
    // A rejected file cannot be retried into an upload.
    engine.retry(items[1]!.id);
    expect(engine.store.getState().items[1]?.status).toBe('error');
  });

  it('refuses single PUTs over 5 GiB before any request', async () => {
    const { storage, engine } = setup({ mode: 'single' });
    const huge = {
      size: 6 * 1024 * MiB,
      type: '',
      name: 'huge.bin',
      slice: () => new Blob(),
    } as unknown as Blob;
    const [item] = await engine.upload([huge]);
    expect(item?.error?.code).toBe('file-too-large');
    expect(storage.calls).toEqual([]);
  });
});

describe('scheduling and progress', () => {
  it('never runs more than `concurrency` PUTs nor `controlConcurrency` backend calls at once, over all files', async () => {
    const storage = createMemoryStorage();
    const lanes = { control: { running: 0, peak: 0 }, data: { running: 0, peak: 0 } };
    const track =
      <A extends unknown[], R>(lane: keyof typeof lanes, fn: (...args: A) => Promise<R>) =>
      async (...args: A) => {
        const count = lanes[lane];
        count.running++;
        count.peak = Math.max(count.peak, count.running);
        await new Promise((r) => setTimeout(r, 1));
        try {
          return await fn(...args);
        } finally {
          count.running--;
        }
      };
    const backend = Object.fromEntries(
      Object.entries(storage.backend).map(([name, fn]) => [
        name,
        track('control', fn as (...a: unknown[]) => Promise<unknown>),
      ]),
    );
    const engine = createUploadEngine({
      mode: 'auto',
      multipartThreshold: 5 * MiB,
      partSize: 5 * MiB,
      concurrency: 3,
      controlConcurrency: 2,
      backend,
      transport: track('data', storage.transport),
      resumeStorage: false,
    });
    const files = [...Array.from({ length: 8 }, (_, i) => patternedFile(1000 + i)), patternedFile(16 * MiB)];
    const items = await engine.upload(files);
    expect(items.every((i) => i.status === 'done')).toBe(true);
    expect(lanes.data.peak).toBe(3);
    expect(lanes.control.peak).toBe(2);
  });

  it('publishes progress at most once per frame, however many events arrive', async () => {
    const frames: Array<() => void> = [];
    const { storage, engine } = setup({
      mode: 'single',
      scheduleFrame: (flush) => {
        frames.push(flush);
        return () => undefined;
      },
    });
    const gate = deferred();
    const sent = deferred();
    storage.intercept(async (request) => {
      for (let i = 1; i <= 100; i++) request.onProgress(i * 10);
      sent.resolve();
      await gate.promise;
      return undefined;
    });
    let updates = 0;
    engine.store.subscribe(() => updates++);
    const settled = engine.upload([patternedFile(1000)]);
    await sent.promise;
    expect(frames).toHaveLength(1);
    const before = updates;
    frames.shift()!();
    expect(updates - before).toBe(1);
    expect(engine.store.getState().items[0]?.bytesUploaded).toBe(1000);
    gate.resolve();
    // Status changes are published with frames too: paint until the file is done.
    const painter = setInterval(() => frames.shift()?.(), 1);
    try {
      expect((await settled)[0]?.status).toBe('done');
    } finally {
      clearInterval(painter);
    }
  });

  it('computes speed and ETA from progress over time', async () => {
    let clock = 0;
    const frames: Array<() => void> = [];
    const { storage, engine } = setup({
      mode: 'single',
      now: () => clock,
      scheduleFrame: (flush) => {
        frames.push(flush);
        return () => undefined;
      },
    });
    let report!: (n: number) => void;
    storage.intercept((request) => {
      report = request.onProgress;
      return new Promise(() => undefined);
    });
    engine.upload([patternedFile(10_000)]);
    await vi.waitFor(() => expect(report).toBeDefined());
    clock += 1000;
    report(2000);
    frames.shift()!();
    const item = engine.store.getState().items[0]!;
    expect(item.speed).toBeCloseTo(2000, 0);
    expect(item.eta).toBeCloseTo(4, 1);
    await engine.cancel();
  });
});

describe('construction', () => {
  it('explains which backend methods are missing', () => {
    expect(() =>
      createUploadEngine({
        mode: 'multipart',
        backend: { presign: vi.fn(), complete: vi.fn() },
        transport: vi.fn(),
      }),
    ).toThrow(/createMultipart, signParts, listParts, completeMultipart, abortMultipart/);
  });

  it('touches no browser API until files are added', () => {
    const rAF = vi.spyOn(globalThis, 'requestAnimationFrame');
    const storage = vi.spyOn(Storage.prototype, 'getItem');
    const { engine } = setup({ scheduleFrame: undefined, resumeStorage: undefined });
    expect(engine.store.getState().items).toEqual([]);
    expect(rAF).not.toHaveBeenCalled();
    expect(storage).not.toHaveBeenCalled();
  });
});
