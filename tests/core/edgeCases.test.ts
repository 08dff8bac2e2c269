// Things checked and found correct (these pass today).
import { describe, expect, it } from 'vitest';
import { createUploadEngine, type UploadEngineOptions } from '../../src/core/createUploadEngine';
import { memorySessionStore } from '../../src/core/resumeStore';
import { storageError } from '../../src/core/storageError';
import type { UploadItem } from '../../src/core/types';
import {
  blobSha256,
  createMemoryStorage,
  patternedFile,
  sha256,
  type StoredResult,
} from '../helpers/memoryStorage';

const MiB = 1024 * 1024;
function setup(o: Partial<UploadEngineOptions<StoredResult>> = {}, storage = createMemoryStorage()) {
  const engine = createUploadEngine<StoredResult>({
    backend: storage.backend,
    transport: storage.transport,
    resumeStorage: false,
    retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 2 },
    scheduleFrame: (f) => {
      const t = setTimeout(f, 0);
      return () => clearTimeout(t);
    },
    ...o,
  });
  const violations: string[] = [];
  const prev = new Map<string, UploadItem>();
  engine.store.subscribe((s) => {
    for (const i of s.items) {
      if (i.bytesUploaded > i.size) violations.push(`${i.name} bytes ${i.bytesUploaded} > ${i.size}`);
      if (i.speed < 0 || (i.eta !== undefined && i.eta < 0)) violations.push(`${i.name} negative speed/eta`);
      const p = prev.get(i.id);
      if (p?.status === 'done' && i !== p) violations.push(`${i.name} changed after done`);
      prev.set(i.id, i);
    }
  });
  return { storage, engine, violations };
}

describe('multipart edges', () => {
  for (const [label, size] of [
    ['0 bytes', 0],
    ['1 byte', 1],
    ['exactly one part', 5 * MiB],
    ['one part + 1 byte', 5 * MiB + 1],
    ['exactly two parts', 10 * MiB],
  ] as const) {
    it(label, async () => {
      const { storage, engine, violations } = setup({ mode: 'multipart', partSize: 5 * MiB });
      const file = patternedFile(size, 'x.bin');
      const [item] = await engine.upload([file]);
      expect(item?.status).toBe('done');
      expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
      expect(storage.uploads.size).toBe(0);
      expect(violations).toEqual([]);
    });
  }

  it('resumes after reload with a different partSize option, using the saved part size', async () => {
    const resumeStorage = memorySessionStore();
    const storage = createMemoryStorage();
    const file = patternedFile(16 * MiB, 'big.bin');
    storage.intercept((r) => {
      if (new URL(r.url).searchParams.get('partNumber') !== '1') throw storageError(500, '', null);
      return undefined;
    });
    const a = setup({ mode: 'multipart', partSize: 5 * MiB, resumeStorage, retry: { retries: 0 } }, storage);
    await a.engine.upload([file]);
    storage.intercept(undefined);
    const b = setup({ mode: 'multipart', partSize: 6 * MiB, resumeStorage }, storage);
    const [item] = await b.engine.upload([file]);
    expect(item?.status).toBe('done');
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
    expect(storage.calls).toContain('listParts');
  });

  it('retries, pause and resume keep progress within bounds', async () => {
    const { storage, engine, violations } = setup({ mode: 'multipart', partSize: 5 * MiB });
    storage.intercept((_r, attempt) => {
      if (attempt % 3 === 1) throw storageError(503, '', null);
      return undefined;
    });
    const done = engine.upload([patternedFile(21 * MiB, 'p.bin')]);
    await new Promise((r) => setTimeout(r, 5));
    engine.pause();
    engine.resume();
    const [item] = await done;
    await new Promise((r) => setTimeout(r, 20));
    expect(item?.status).toBe('done');
    expect(violations).toEqual([]);
  });
});
