// Regression test from the engine review of 2026-11-29; the comments describe the bug as it was.
import { expect, it, vi } from 'vitest';
import { createUploadEngine } from '../../../src/core/createUploadEngine';
import { memorySessionStore } from '../../../src/core/resumeStore';
import {
  blobSha256,
  createMemoryStorage,
  deferred,
  sha256,
  type StoredResult,
} from '../../helpers/memoryStorage';

const MiB = 1024 * 1024;

/** A file named like, as large as, typed like and dated like every other one: only its bytes differ. */
const twin = (fill: number) =>
  new File([new Uint8Array(5 * MiB + 100).fill(fill)], 'clip.bin', {
    type: 'application/octet-stream',
    lastModified: 1_700_000_000_000,
  });

// resumeStore.ts fileFingerprint(): a file is keyed by name, size, type and date, and
// reopenSession() (multipartUpload.ts) adopts any saved session under that key -- even while a
// live job of the same engine owns it. Two different files with one fingerprint (an edited copy
// of a clip, picked again from another folder) then shared one upload: the second one sent its
// parts into the first one's upload, completed it, and forgot the first one's saved session.
it("a second file with the same fingerprint never adopts a live job's upload", async () => {
  const storage = createMemoryStorage();
  const resume = memorySessionStore();
  const engine = createUploadEngine<StoredResult>({
    backend: storage.backend,
    transport: storage.transport,
    mode: 'multipart',
    partSize: 5 * MiB,
    resumeStorage: resume,
    retry: { retries: 0 },
    scheduleFrame: (flush) => {
      const t = setTimeout(flush, 0);
      return () => clearTimeout(t);
    },
  });
  const holdA2 = deferred();
  let held = false;
  storage.intercept(async (request) => {
    const url = new URL(request.url);
    if (!held && url.searchParams.get('uploadId') === 'mpu-0' && url.searchParams.get('partNumber') === '2') {
      held = true; // only A's own part 2
      await holdA2.promise;
    }
    return undefined;
  });
  const a = twin(0xaa);
  const b = twin(0xbb);
  const savedUploads = () => [...resume.records.values()].map((record) => record.uploadId);

  const doneA = engine.upload([a]);
  const idA = engine.store.getState().items[0]!.id;
  // A's upload is open and remembered, its part 1 is in storage, its part 2 still going.
  await vi.waitFor(() => expect(storage.uploads.get('mpu-0')?.parts.has(1)).toBe(true));
  expect(savedUploads()).toEqual(['mpu-0']);
  const keyA = engine.getItem(idA)?.key;

  const [itemB] = await engine.upload([b]);
  expect(itemB?.status).toBe('done');
  // B went through an upload of its own, and A's is still open and still the one remembered.
  expect(itemB?.key).not.toBe(keyA);
  expect(storage.calls.filter((c) => c === 'createMultipart')).toHaveLength(2);
  expect(storage.calls).not.toContain('listParts');
  expect(storage.uploads.has('mpu-0')).toBe(true);
  expect(savedUploads()).toEqual(['mpu-0']);

  holdA2.resolve();
  const [itemA] = await doneA;
  expect(itemA?.status).toBe('done');
  expect(itemA?.key).toBe(keyA);
  // Each object holds its own file's bytes.
  expect(sha256(storage.objects.get(keyA!))).toBe(await blobSha256(a));
  expect(sha256(storage.objects.get(itemB!.key!))).toBe(await blobSha256(b));
  expect(savedUploads()).toEqual([]);
});
