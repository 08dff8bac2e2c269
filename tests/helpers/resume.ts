import { expect, vi } from 'vitest';
import { createUploadEngine, type UploadEngineOptions } from '../../src/core/createUploadEngine';
import { UploadError } from '../../src/core/errors';
import type { SessionStore } from '../../src/core/resumeStore';
import type { createMemoryStorage, StoredResult } from './memoryStorage';

const MiB = 1024 * 1024;

type Storage = ReturnType<typeof createMemoryStorage>;

/** Whether a PUT went to part 1. */
export const isPartOne = (url: string) => new URL(url).searchParams.get('partNumber') === '1';

/** A multipart engine on the memory storage that remembers sessions in `sessions`. */
export function resumingEngine(
  storage: Storage,
  sessions: SessionStore,
  overrides: Partial<UploadEngineOptions<StoredResult>> = {},
) {
  return createUploadEngine<StoredResult>({
    backend: storage.backend,
    transport: storage.transport,
    mode: 'multipart',
    partSize: 5 * MiB,
    concurrency: 2,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    resumeStorage: sessions,
    scheduleFrame: (flush) => {
      const timer = setTimeout(flush, 0);
      return () => clearTimeout(timer);
    },
    ...overrides,
  });
}

/**
 * A page that stores part 1 of `file` and goes away (a reload, a closed tab) while its other
 * parts hang. Afterwards the storage's request logs are empty.
 */
export async function interruptAfterPartOne(storage: Storage, sessions: SessionStore, file: File) {
  const page = resumingEngine(storage, sessions);
  storage.intercept((request) =>
    isPartOne(request.url)
      ? undefined
      : new Promise((_resolve, reject) =>
          request.signal.addEventListener('abort', () => reject(new UploadError('aborted', 'closed'))),
        ),
  );
  void page.upload([file]);
  await vi.waitFor(() => expect(page.store.getState().items[0]?.bytesUploaded).toBe(5 * MiB));
  page.suspend();
  storage.intercept(undefined);
  storage.puts.length = 0;
  storage.calls.length = 0;
}
