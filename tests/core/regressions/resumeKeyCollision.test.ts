// Regression test from the engine review of 2026-11-29; the comments describe the bug as it was.
import { expect, it } from 'vitest';
import { createUploadEngine } from '../../../src/core/createUploadEngine';
import type { ResumeStorage } from '../../../src/core/resumeStore';
import {
  blobSha256,
  createMemoryStorage,
  deferred,
  sha256,
  type StoredResult,
} from '../../helpers/memoryStorage';

const MiB = 1024 * 1024;

function memoryResumeStorage(): ResumeStorage {
  const data = new Map<string, string>();
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const blobOf = (size: number, fill: number) => new Blob([new Uint8Array(size).fill(fill)]);

// resumeStore.ts fileFingerprint(): a Blob (no name, no lastModified) is keyed by size and type
// only, and reopenSession() (multipartUpload.ts) adopts any saved session under that key, trusting
// the parts storage already holds -- even while another live job of the same engine owns it.
// Two different Blobs of equal size (e.g. an app's fixed-size slices of a big file) then share an
// upload: the second one's object is assembled from the first one's parts.
it("a second file with the same fingerprint never adopts a live job's upload", async () => {
  const storage = createMemoryStorage();
  const engine = createUploadEngine<StoredResult>({
    backend: storage.backend,
    transport: storage.transport,
    mode: 'multipart',
    partSize: 5 * MiB,
    resumeStorage: memoryResumeStorage(),
    retry: { retries: 0 },
    scheduleFrame: (flush) => {
      const t = setTimeout(flush, 0);
      return () => clearTimeout(t);
    },
  });
  const holdA2 = deferred();
  const aPart1Done = deferred();
  let held = false;
  storage.intercept(async (request) => {
    const url = new URL(request.url);
    if (!held && url.searchParams.get('uploadId') === 'mpu-0' && url.searchParams.get('partNumber') === '2') {
      held = true; // only A's own part 2
      await holdA2.promise;
    }
    return undefined;
  });
  const a = blobOf(5 * MiB + 100, 0xaa);
  const b = blobOf(5 * MiB + 100, 0xbb);
  const doneA = engine.upload([a]);
  engine.store.subscribe((s) => {
    if ((s.items[0]?.bytesUploaded ?? 0) >= 5 * MiB) aPart1Done.resolve();
  });
  await aPart1Done.promise; // A's part 1 is in storage; part 2 still going
  const [itemB] = await engine.upload([b]);
  holdA2.resolve();
  const [itemA] = await doneA;

  if (itemB?.status === 'done') {
    expect(sha256(storage.objects.get(itemB.key!))).toBe(await blobSha256(b));
  }
  expect(itemA?.status).toBe('done');
  expect(itemB?.status).toBe('done');
});
