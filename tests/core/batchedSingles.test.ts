import { describe, expect, it, vi } from 'vitest';
import { createUploadEngine, type UploadEngineOptions } from '../../src/core/createUploadEngine';
import { UploadError } from '../../src/core/errors';
import type { PresignOptions, FileDescriptor, RequestContext } from '../../src/core/types';
import {
  blobSha256,
  createMemoryStorage,
  deferred,
  patternedFile,
  sha256,
  withBatches,
  type StoredResult,
} from '../helpers/memoryStorage';

const fastRetry = { retries: 3, baseDelayMs: 1, maxDelayMs: 5 };

type BatchingBackend = ReturnType<typeof withBatches<StoredResult>>['backend'];

/** `tweak` changes the backend before the engine reads it. */
function setup(
  overrides: Partial<UploadEngineOptions<StoredResult>> = {},
  batchOptions: { delayMs?: number } = {},
  tweak: (backend: BatchingBackend) => void = () => undefined,
) {
  const storage = createMemoryStorage();
  const batching = withBatches(storage.backend, batchOptions);
  tweak(batching.backend);
  const engine = createUploadEngine<StoredResult>({
    mode: 'single',
    backend: batching.backend,
    transport: storage.transport,
    retry: fastRetry,
    resumeStorage: false,
    checksum: false,
    scheduleFrame: (flush) => {
      const timer = setTimeout(flush, 0);
      return () => clearTimeout(timer);
    },
    ...overrides,
  });
  return { storage, engine, batches: batching.batches };
}

/** Holds storage's answer to the first PUT until the returned gate opens. */
function holdFirstPut(storage: ReturnType<typeof createMemoryStorage>) {
  const gate = deferred();
  storage.intercept(async (_request, attempt) => {
    if (attempt === 0) await gate.promise;
    return undefined;
  });
  return gate;
}

/** An engine of single PUTs on `backend`, without hashing or resume. */
function singleEngine(
  storage: ReturnType<typeof createMemoryStorage>,
  options: Partial<UploadEngineOptions<StoredResult>> = {},
) {
  return createUploadEngine<StoredResult>({
    mode: 'single',
    backend: storage.backend,
    transport: storage.transport,
    resumeStorage: false,
    checksum: false,
    ...options,
  });
}

const files = (count: number, size = 100) =>
  Array.from({ length: count }, (_, i) => patternedFile(size + i, `f${i}.bin`));

async function expectStored(
  storage: ReturnType<typeof createMemoryStorage>,
  items: { key?: string | undefined; file: Blob }[],
) {
  for (const item of items) expect(sha256(storage.objects.get(item.key!))).toBe(await blobSha256(item.file));
}

describe('single uploads through batch calls', () => {
  it('presigns and completes 100 files in a handful of batch calls, every byte intact', async () => {
    const { storage, engine, batches } = setup({}, { delayMs: 5 });
    const items = await engine.upload(files(100));
    expect(items.map((i) => i.status)).toEqual(Array(100).fill('done'));
    await expectStored(storage, items);
    const presigns = batches.filter((b) => b.name === 'presign');
    const completes = batches.filter((b) => b.name === 'complete');
    expect(presigns.reduce((n, b) => n + b.size, 0)).toBe(100);
    expect(completes.reduce((n, b) => n + b.size, 0)).toBe(100);
    expect(Math.max(...presigns.map((b) => b.size))).toBe(20);
    // One call per file would be 100 of each.
    expect(presigns.length).toBeLessThanOrEqual(10);
    expect(completes.length).toBeLessThanOrEqual(30);
  });

  it('signs at most two batches of files ahead of the PUTs', async () => {
    const { storage, engine } = setup({ concurrency: 1, batchSize: 5 });
    const gate = holdFirstPut(storage);
    const settled = engine.upload(files(40));
    await vi.waitFor(() => expect(storage.puts).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The first PUT is held: more than a batch of the files behind it have URLs, never more
    // than two batches; the others wait unsigned.
    const signed = storage.calls.filter((c) => c === 'presign').length;
    expect(signed).toBeGreaterThan(1 + 5);
    expect(signed).toBeLessThanOrEqual(1 + 10);
    gate.resolve();
    const items = await settled;
    expect(items.every((i) => i.status === 'done')).toBe(true);
    expect(storage.calls.filter((c) => c === 'presign')).toHaveLength(40);
  });

  it("fails only the file whose entry was refused, with the server's answer, without retrying it", async () => {
    const asked: string[] = [];
    const { storage, engine } = setup({}, {}, (backend) => {
      const presign = backend.presign.bind(backend);
      backend.presign = (file: FileDescriptor, ctx: RequestContext, options?: PresignOptions) => {
        asked.push(file.name);
        if (file.name === 'f3.bin') {
          return Promise.reject(
            new UploadError('backend-error', 'Files can be at most 1 kB.', { status: 413 }),
          );
        }
        return presign(file, ctx, options);
      };
    });
    const items = await engine.upload(files(8));
    expect(items.map((i) => i.status)).toEqual([
      'done',
      'done',
      'done',
      'error',
      'done',
      'done',
      'done',
      'done',
    ]);
    expect(items[3]?.error).toMatchObject({ status: 413, message: 'Files can be at most 1 kB.' });
    expect(asked.filter((name) => name === 'f3.bin')).toHaveLength(1);
    await expectStored(
      storage,
      items.filter((i) => i.status === 'done'),
    );
  });

  it("retries an entry's own 503 in a later batch, and the file completes", async () => {
    let refusals = 2;
    const { storage, engine, batches } = setup({}, {}, (backend) => {
      const complete = backend.complete.bind(backend);
      backend.complete = (input, ctx) =>
        input.file.name === 'f1.bin' && refusals-- > 0
          ? Promise.reject(new UploadError('backend-error', 'busy', { status: 503 }))
          : complete(input, ctx);
    });
    const items = await engine.upload(files(4));
    expect(items.every((i) => i.status === 'done')).toBe(true);
    await expectStored(storage, items);
    expect(batches.filter((b) => b.name === 'complete').reduce((n, b) => n + b.size, 0)).toBe(6);
  });

  it('retries a batch call that failed as a whole, as one control call, and every file completes', async () => {
    const names: string[] = [];
    let failures = 2;
    const { storage, engine } = setup(
      {
        runControl: (name, call) => {
          names.push(name);
          return call();
        },
      },
      {},
      (backend) => {
        const presignBatch = backend.presignBatch.bind(backend);
        backend.presignBatch = (requests, ctx) =>
          failures-- > 0
            ? Promise.reject(new UploadError('network', 'offline for a moment'))
            : presignBatch(requests, ctx);
      },
    );
    const items = await engine.upload(files(5));
    expect(items.every((i) => i.status === 'done')).toBe(true);
    await expectStored(storage, items);
    // One control call for the presign batch, its two failures retried inside it.
    expect(failures).toBe(-1);
    expect(names.filter((n) => n === 'presign')).toHaveLength(1);
  });

  it('fails the files of a batch call that kept failing, without multiplying the attempts', async () => {
    let attempts = 0;
    const { engine } = setup({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 } }, {}, (backend) => {
      backend.presignBatch = () => {
        attempts++;
        return Promise.reject(new UploadError('backend-error', 'down', { status: 502 }));
      };
    });
    const items = await engine.upload(files(3));
    expect(items.map((i) => i.error?.status)).toEqual([502, 502, 502]);
    expect(attempts).toBe(3);
  });

  it('signs ahead one call per file on a backend without batch calls', async () => {
    const storage = createMemoryStorage();
    const engine = singleEngine(storage, { concurrency: 1 });
    const gate = holdFirstPut(storage);
    const settled = engine.upload(files(6));
    // While the first PUT is held, the next files are already signed, each in its own call.
    await vi.waitFor(() => expect(storage.calls.filter((c) => c === 'presign')).toHaveLength(6));
    expect(storage.puts).toHaveLength(1);
    gate.resolve();
    const items = await settled;
    expect(items.every((i) => i.status === 'done')).toBe(true);
    await expectStored(storage, items);
  });

  it('signs a URL again, for the same key, when it aged while its file waited for a slot', async () => {
    let clock = 1_000_000;
    const storage = createMemoryStorage({ urlTtlMs: 60_000, now: () => clock });
    const batching = withBatches(storage.backend);
    const resigned: Array<string | undefined> = [];
    const presign = batching.backend.presign.bind(batching.backend);
    batching.backend.presign = (file, ctx, options) => {
      resigned.push(options?.resign?.key);
      return presign(file, ctx, options);
    };
    const engine = singleEngine(storage, { backend: batching.backend, concurrency: 1, now: () => clock });
    const gate = holdFirstPut(storage);
    const settled = engine.upload(files(2));
    await vi.waitFor(() => expect(resigned).toHaveLength(2));
    // The first PUT takes 50 s: the second file's URL has 10 s left when its turn comes.
    clock += 50_000;
    gate.resolve();
    const items = await settled;
    expect(items.every((i) => i.status === 'done')).toBe(true);
    expect(resigned).toEqual([undefined, undefined, items[1]!.key]);
    await expectStored(storage, items);
  });
});

describe('retrying PUTs', () => {
  it('backs off from at most 100 ms for a failed PUT, whatever the control calls wait', async () => {
    const storage = createMemoryStorage();
    const delays: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      if (ms !== undefined && ms > 20) delays.push(ms);
      return realSetTimeout(fn, Math.min(ms ?? 0, 5));
    }) as typeof setTimeout);
    try {
      // The top of each backoff window: 499 ms for a call, 99 ms for a PUT.
      const engine = singleEngine(storage, { random: () => 0.999 });
      storage.intercept((_request, attempt) => {
        if (attempt === 0) throw new UploadError('network', 'connection cut');
        return undefined;
      });
      const [item] = await engine.upload([patternedFile(100)]);
      expect(item?.status).toBe('done');
      expect(delays).toEqual([99]);
    } finally {
      spy.mockRestore();
    }
  });
});
