// Regression test from the engine review of 2026-11-29; the comments describe the bug as it was.
import { expect, it, vi } from 'vitest';
import { createUploadEngine } from '../../../src/core/createUploadEngine';
import {
  blobSha256,
  createMemoryStorage,
  deferred,
  patternedFile,
  sha256,
  type StoredResult,
} from '../../helpers/memoryStorage';

const MiB = 1024 * 1024;

function setup(mode: 'single' | 'multipart') {
  const storage = createMemoryStorage();
  const engine = createUploadEngine<StoredResult>({
    backend: storage.backend,
    transport: storage.transport,
    mode,
    partSize: 5 * MiB,
    resumeStorage: false,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    scheduleFrame: (flush) => {
      const t = setTimeout(flush, 0);
      return () => clearTimeout(t);
    },
  });
  return { storage, engine };
}

// A transport (or backend) whose request is aborted by something other than the engine -- its own
// timeout controller, a fetch polyfill, the browser -- rejects with an AbortError. The engine
// reads code 'aborted' as "we aborted it" without checking its own signal.

// multipartUpload.ts: the part's worker fails with 'aborted', stop() aborts its siblings, every
// rejection is then 'aborted', none counts as a failure, and the upload is *completed* with
// whatever parts happened to be done: a truncated object reported as done.
it('multipart: a part failing with AbortError does not complete the upload without it', async () => {
  const { storage, engine } = setup('multipart');
  const part1 = deferred();
  storage.intercept(async (request) => {
    const part = new URL(request.url).searchParams.get('partNumber');
    if (part === '2') {
      await part1.promise;
      throw new DOMException('The operation was aborted.', 'AbortError');
    }
    return undefined;
  });
  engine.store.subscribe((s) => {
    if (s.items[0]?.bytesUploaded && s.items[0].bytesUploaded >= 5 * MiB) part1.resolve();
  });
  const file = patternedFile(5 * MiB + 100, 'v.bin');
  const [item] = await engine.upload([file]);
  if (item?.status === 'done') {
    // If it claims success, the object must be the file.
    expect(sha256(storage.objects.get(item.key!))).toBe(await blobSha256(file));
  }
  expect(item?.status).not.toBe('done');
});

// createUploadEngine.ts launch(): a rejection with code 'aborted' is dropped even when the
// engine's controller was never aborted, so the item stays 'uploading' and upload() never resolves.
it('single: a PUT failing with AbortError settles the item', async () => {
  const { storage, engine } = setup('single');
  storage.intercept(() => {
    throw new DOMException('The operation was aborted.', 'AbortError');
  });
  const settled = vi.fn();
  void engine.upload([new File([new Uint8Array(10)], 'a.bin')]).then(settled);
  await new Promise((r) => setTimeout(r, 200));
  expect(engine.store.getState().items[0]?.status).toBe('error');
  expect(settled).toHaveBeenCalled();
});
