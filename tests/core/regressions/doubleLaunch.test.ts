// Regression test from the engine review of 2026-11-29; the comments describe the bug as it was.
import { expect, it } from 'vitest';
import { createUploadEngine } from '../../../src/core/createUploadEngine';
import { createMemoryStorage, deferred, type StoredResult } from '../../helpers/memoryStorage';

function setup(concurrency: number) {
  const storage = createMemoryStorage();
  const engine = createUploadEngine<StoredResult>({
    backend: storage.backend,
    transport: storage.transport,
    mode: 'single',
    concurrency,
    resumeStorage: false,
    retry: { retries: 0 },
    scheduleFrame: (flush) => {
      const t = setTimeout(flush, 0);
      return () => clearTimeout(t);
    },
  });
  return { storage, engine };
}

// A single-mode file waiting for a data slot stays 'queued', and launch() only checks the status,
// so start() (e.g. a "Start all" button, or a double click) launches it a second time.
it('start() does not launch a file that is already running (waiting for a slot)', async () => {
  const { storage, engine } = setup(2); // one data slot
  const files = [1, 2, 3].map((i) => new File([new Uint8Array(10)], `f${i}.bin`));
  const done = engine.upload(files);
  engine.start(); // files 2 and 3 are queued in the scheduler, still status 'queued'
  const items = await done;
  expect(items.map((i) => i.status)).toEqual(['done', 'done', 'done']);
  expect(storage.calls.filter((c) => c === 'presign')).toHaveLength(3);
  expect(storage.puts).toHaveLength(3);
});

// The first run's controller is overwritten, so cancel cannot stop it: the canceled file's bytes
// still land in storage and the backend is still told to complete it.
it('a canceled file is not uploaded and completed by an orphaned duplicate run', async () => {
  const { storage, engine } = setup(2);
  const gate = deferred();
  storage.intercept(async (request) => {
    if (request.url.includes('blocker')) await gate.promise;
    return undefined;
  });
  const [blocker] = engine.add([new File([new Uint8Array(10)], 'blocker.bin')]);
  engine.start(blocker);
  const [victim] = engine.add([new File([new Uint8Array(10)], 'victim.bin')], {});
  engine.start(victim);
  engine.start(victim); // double click
  await engine.cancel(victim);
  gate.resolve();
  await engine.upload([]); // no-op
  await new Promise((r) => setTimeout(r, 50));
  expect(engine.store.getState().items.find((i) => i.id === victim)?.status).toBe('canceled');
  expect([...storage.objects.keys()].some((k) => k.includes('victim'))).toBe(false);
  expect(storage.calls.filter((c) => c === 'complete')).toHaveLength(1); // the blocker only
});
