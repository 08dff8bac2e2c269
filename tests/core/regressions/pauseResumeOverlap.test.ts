// Regression test from the engine review of 2026-11-29; the comments describe the bug as it was.
import { expect, it } from 'vitest';
import { createUploadEngine } from '../../../src/core/createUploadEngine';
import type { MultipartSession } from '../../../src/core/types';
import { createMemoryStorage, deferred, patternedFile, type StoredResult } from '../../helpers/memoryStorage';

const MiB = 1024 * 1024;

// resume() launches a new run at once, without waiting for the paused run to stop (cancel does
// wait). A createMultipart answered after the pause is kept by the stale run (job.session), while
// the new run has already opened a second upload: one of the two is never completed or aborted.
it('pause then resume during createMultipart leaves no orphaned multipart upload', async () => {
  const storage = createMemoryStorage();
  const first = deferred();
  const create = storage.backend.createMultipart.bind(storage.backend);
  let creates = 0;
  const backend = {
    ...storage.backend,
    async createMultipart(...args: Parameters<typeof create>): Promise<MultipartSession> {
      const n = creates++;
      const session = await create(...args);
      if (n === 0) await first.promise; // answered late, as a request already on the wire is
      return session;
    },
  };
  const engine = createUploadEngine<StoredResult>({
    backend,
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
  const done = engine.upload([patternedFile(5 * MiB + 10, 'v.bin')]);
  await new Promise((r) => setTimeout(r, 5)); // createMultipart #1 in flight
  const [id] = engine.store.getState().items.map((i) => i.id);
  engine.pause(id);
  engine.resume(id);
  await new Promise((r) => setTimeout(r, 5));
  first.resolve();
  const [item] = await done;
  await new Promise((r) => setTimeout(r, 20));
  expect(item?.status).toBe('done');
  // Every upload opened on storage was either completed or aborted.
  expect([...storage.uploads.keys()]).toEqual([]);
});
