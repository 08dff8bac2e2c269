// Regression test from the engine review of 2026-11-29; the comments describe the bug as it was.
import { expect, it, vi } from 'vitest';
import { createUploadEngine } from '../../../src/core/createUploadEngine';
import { createMemoryStorage, patternedFile, type StoredResult } from '../../helpers/memoryStorage';

const MiB = 1024 * 1024;

// multipartUpload.ts runMultipart(): `job.session ?? openSession()` -- once a file has a session,
// every later run (resume, retry) reuses it. When storage has dropped the upload (the bucket's
// AbortIncompleteMultipartUpload rule after a long pause, or an admin abort), every part PUT gets
// 404 NoSuchUpload, the file fails, and retry() fails the same way forever. reopenSession() already
// treats 404 as "start afresh"; the in-run path does not, and does not forget the saved session.
it('retry() recovers a multipart file whose upload storage no longer has', async () => {
  const storage = createMemoryStorage();
  const engine = createUploadEngine<StoredResult>({
    backend: storage.backend,
    transport: storage.transport,
    mode: 'multipart',
    partSize: 5 * MiB,
    resumeStorage: false,
    retry: { retries: 0 },
    scheduleFrame: (flush) => {
      const t = setTimeout(flush, 0);
      return () => clearTimeout(t);
    },
  });
  let block = true;
  storage.intercept(async (request) => {
    // Part PUTs hang (until aborted) while `block` is set.
    if (block)
      await new Promise((_, reject) =>
        request.signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    return undefined;
  });
  const [id] = engine.add([patternedFile(6 * MiB, 'v.bin')]);
  await vi.waitFor(() => expect(engine.store.getState().items[0]?.status).toBe('uploading'));
  engine.pause(id);
  block = false;
  storage.uploads.clear(); // the lifecycle rule removed the incomplete upload while paused
  engine.resume(id);
  await vi.waitFor(() => expect(engine.store.getState().items[0]?.status).toBe('error'));
  expect(engine.store.getState().items[0]?.error?.status).toBe(404);

  engine.retry(id);
  await vi.waitFor(() => expect(['done', 'error']).toContain(engine.store.getState().items[0]?.status), {
    timeout: 2000,
  });
  expect(engine.store.getState().items[0]?.status).toBe('done');
});
