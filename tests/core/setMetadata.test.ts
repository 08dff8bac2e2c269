import { describe, expect, it } from 'vitest';
import { createUploadEngine } from '../../src/core/createUploadEngine';
import { withRelativePath } from '../../src/core/job';
import type { FileDescriptor } from '../../src/core/types';
import { createMemoryStorage, type StoredResult } from '../helpers/memoryStorage';

// issue 12: per-file fields filled in before upload (titles, alt text) travel as metadata.

async function settled(engine: { getItem(id: string): { status: string } | undefined }, id: string) {
  for (let i = 0; i < 400 && !['done', 'error'].includes(engine.getItem(id)?.status ?? ''); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

type Rest<F> = F extends (first: never, ...rest: infer R) => unknown ? R : never;

function setup(mode: 'single' | 'multipart', limits: { maxFileSize?: number; concurrency?: number } = {}) {
  const storage = createMemoryStorage();
  const told: Array<FileDescriptor['metadata']> = [];
  const backend = {
    ...storage.backend,
    presign: (file: FileDescriptor, ...rest: Rest<typeof storage.backend.presign>) => {
      told.push(file.metadata);
      return storage.backend.presign(file, ...rest);
    },
    createMultipart: (file: FileDescriptor, ...rest: Rest<typeof storage.backend.createMultipart>) => {
      told.push(file.metadata);
      return storage.backend.createMultipart(file, ...rest);
    },
  };
  const engine = createUploadEngine<StoredResult>({
    backend,
    transport: storage.transport,
    mode,
    autoStart: false,
    resumeStorage: false,
    retry: { retries: 0 },
    ...limits,
    scheduleFrame: (flush) => {
      const t = setTimeout(flush, 0);
      return () => clearTimeout(t);
    },
  });
  return { storage, engine, told };
}

describe('setMetadata', () => {
  it.each(['single', 'multipart'] as const)(
    'sends what was set before start, merged over the added metadata (%s)',
    async (mode) => {
      const { engine, told } = setup(mode);
      const file = withRelativePath(
        new File([new Uint8Array(64)], 'bike.png', { type: 'image/png' }),
        'trip/bike.png',
      );
      const [id = ''] = engine.add([file], { metadata: { album: 'summer' } });
      expect(engine.setMetadata(id, { alt: 'A red bicycle', title: 'Bike' })).toBe(true);
      // A second edit replaces the fields it names and keeps the others; undefined takes one out.
      expect(engine.setMetadata(id, { title: 'My bike', note: 'draft' })).toBe(true);
      expect(engine.setMetadata(id, { note: undefined })).toBe(true);
      expect(engine.getItem(id)?.metadata).toEqual({
        album: 'summer',
        alt: 'A red bicycle',
        title: 'My bike',
      });
      engine.start();
      await settled(engine, id);
      expect(engine.getItem(id)?.status).toBe('done');
      expect(told).toEqual([
        { relativePath: 'trip/bike.png', album: 'summer', alt: 'A red bicycle', title: 'My bike' },
      ]);
    },
  );

  it('refuses once the backend has been asked: what it was told stays true', async () => {
    const { engine, told } = setup('single');
    const [id = ''] = engine.add([new File([new Uint8Array(8)], 'a.txt')], { metadata: { title: 'first' } });
    engine.start();
    expect(engine.setMetadata(id, { title: 'second' })).toBe(false);
    await settled(engine, id);
    expect(engine.getItem(id)?.status).toBe('done');
    expect(engine.setMetadata(id, { title: 'third' })).toBe(false);
    expect(told).toEqual([{ title: 'first' }]);
    expect(engine.getItem(id)?.metadata).toEqual({ title: 'first' });
  });

  it('refuses a file started but still waiting for its turn (its URL may be signed ahead)', async () => {
    const { engine, told } = setup('single', { concurrency: 2 }); // one data slot
    const ids = engine.add([1, 2, 3].map((i) => new File([new Uint8Array(8)], `f${i}.txt`)));
    engine.start();
    const last = ids[2] ?? '';
    expect(engine.getItem(last)?.status).toBe('queued');
    expect(engine.setMetadata(last, { title: 'late' })).toBe(false);
    await settled(engine, last);
    expect(told).toEqual([undefined, undefined, undefined]);
  });

  it('refuses a file it does not know, and a file refused at validation', () => {
    const { engine } = setup('single', { maxFileSize: 1 });
    expect(engine.setMetadata('nope', { title: 'x' })).toBe(false);
    const [id = ''] = engine.add([new File([new Uint8Array(8)], 'big.bin')]);
    expect(engine.getItem(id)?.status).toBe('error');
    expect(engine.setMetadata(id, { title: 'x' })).toBe(false);
  });
});
