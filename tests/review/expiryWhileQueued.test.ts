import { expect, it } from 'vitest';
import { createUploadEngine } from '../../src/core/createUploadEngine';
import { createMemoryStorage, type StoredResult } from '../helpers/memoryStorage';

const MiB = 1024 * 1024;

// multipartUpload.ts uploadPart(): the part URL is signed (partUrl) *before* the part waits for a
// data slot, and a URL found expiring once the slot is reached throws 'url-expired', which
// withRetry counts as an attempt and re-queues at the back. With many files sharing the slots
// (round robin), the queue wait exceeds the URL lifetime again and again, and healthy files fail
// with url-expired although storage never refused a byte. (Single uploads presign inside the slot
// for exactly this reason.) Here: 40 files x 2 parts, 2 data slots, 20 s per part, 60 s URLs.
it('many multipart files on a slow link do not fail with url-expired while queued', async () => {
  let clock = 1_000_000;
  const now = () => clock;
  const storage = createMemoryStorage({ urlTtlMs: 120_000, now });
  storage.intercept((request) => {
    const expires = Number(new URL(request.url).searchParams.get('expires'));
    if (now() > expires) throw new Error('storage got an expired URL'); // never happens
    clock += 8_000; // each part takes 8 s to send
    return { status: 200, etag: '"etag"' }; // bytes not kept: only the scheduling matters
  });
  const engine = createUploadEngine<StoredResult>({
    backend: { ...storage.backend, completeMultipart: async ({ key }) => ({ key, size: 0 }) },
    transport: storage.transport,
    mode: 'multipart',
    partSize: 5 * MiB,
    concurrency: 6, // the default: 5 data slots, 5 part workers per file
    resumeStorage: false,
    now,
    retry: { retries: 5, baseDelayMs: 1, maxDelayMs: 2 },
    scheduleFrame: (flush) => {
      const t = setTimeout(flush, 0);
      return () => clearTimeout(t);
    },
  });
  const file = new File([new Uint8Array(25 * MiB)], 'a.bin');
  const items = await engine.upload(Array.from({ length: 100 }, (_, i) => new File([file], `f${i}.bin`)));
  const outcome = items.map((i) => i.error?.code ?? i.status);
  console.log(
    `signParts calls: ${storage.calls.filter((c) => c.startsWith('sign')).length}, PUTs: ${storage.puts.length}, ` +
      `failed: ${outcome.filter((o) => o !== "done").length}/100`,
  );
  expect(outcome).toEqual(Array(100).fill("done"));
}, 60_000);
