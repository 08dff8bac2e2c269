// Regression test from the engine review of 2026-11-29; the comments describe the bug as it was.
import { expect, it, vi } from 'vitest';
import { createUploadEngine } from '../../../src/core/createUploadEngine';
import { abortedError } from '../../../src/core/errors';
import { createMemoryStorage, patternedFile, type StoredResult } from '../../helpers/memoryStorage';

const MiB = 1024 * 1024;

// createUploadEngine.ts reset(): cancel() rightly skips 'completing' files (uploadMachine.ts: "interrupting
// the call would orphan the object"), but reset() then calls abortInFlight() on *every* job,
// aborting the completeMultipart in flight, and never calls abortStorage() for it. A backend
// that honours the signal (httpBackend does) leaves the multipart upload open on storage -- and
// its session in resume storage -- after reset() has resolved.
it('reset() during completeMultipart leaves no open multipart upload behind', async () => {
  const storage = createMemoryStorage();
  let completing = false;
  const backend = {
    ...storage.backend,
    completeMultipart: (
      ref: Parameters<typeof storage.backend.completeMultipart>[0],
      ctx: { signal: AbortSignal },
    ) =>
      new Promise<StoredResult>((resolve, reject) => {
        completing = true;
        // An aborted request never reaches the server, as with fetch.
        const timer = setTimeout(
          () => void storage.backend.completeMultipart(ref, ctx).then(resolve, reject),
          50,
        );
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(abortedError());
        });
      }),
  };
  const engine = createUploadEngine<StoredResult>({
    backend,
    transport: storage.transport,
    mode: 'multipart',
    partSize: 5 * MiB,
    resumeStorage: false,
    retry: { retries: 0 },
  });
  void engine.upload([patternedFile(5 * MiB + 1, 'v.bin')]);
  await vi.waitFor(() => expect(completing).toBe(true));
  await engine.reset();
  await new Promise((r) => setTimeout(r, 100));
  expect([...storage.uploads.keys()]).toEqual([]);
});
