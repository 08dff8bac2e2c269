import { afterEach, expect, it, vi } from 'vitest';
import { createUploadEngine } from '../../src/core/createUploadEngine';
import { createMemoryStorage, deferred, patternedFile } from '../helpers/memoryStorage';

afterEach(() => vi.unstubAllGlobals());

/** Every run makes an AbortController: counting them counts the runs started. */
function countRuns() {
  const runs = { started: 0 };
  vi.stubGlobal(
    'AbortController',
    class extends AbortController {
      constructor() {
        super();
        runs.started++;
      }
    },
  );
  return runs;
}

/** Two PUT slots, batches of five: 2 x (2 x 5 + 2) = 24 runs ahead. */
function smallEngine(storage: ReturnType<typeof createMemoryStorage>, options: { autoStart?: boolean } = {}) {
  return createUploadEngine({
    mode: 'single',
    backend: storage.backend,
    transport: storage.transport,
    resumeStorage: false,
    checksum: false,
    concurrency: 2,
    batchSize: 5,
    ...options,
  });
}

it('starts runs only just ahead of the PUT slots, and still sends every file in the order added', async () => {
  const runs = countRuns();
  const storage = createMemoryStorage();
  const engine = smallEngine(storage);
  const gate = deferred();
  storage.intercept(async () => {
    await gate.promise;
    return undefined;
  });
  const files = Array.from({ length: 1000 }, (_, i) => patternedFile(10, `f${i}.bin`));
  const before = runs.started;
  const settled = engine.upload(files);
  // upload() adds a long list 8 files a task: wait for all 1,000 (PUTs are held meanwhile).
  await vi.waitFor(() => expect(engine.store.getState().adding).toBe(0));
  await vi.waitFor(() => expect(storage.puts).toHaveLength(2));
  // Two batches signed ahead plus the two PUT slots, twice over: 24 runs, not 1,000.
  expect(runs.started - before).toBeLessThan(40);
  expect(engine.store.getState().items.filter((i) => i.status === 'queued').length).toBeGreaterThan(900);
  gate.resolve();
  const items = await settled;
  expect(items.every((i) => i.status === 'done')).toBe(true);
  const order = storage.puts.map((url) => Number(/f(\d+)\.bin/.exec(decodeURIComponent(url))?.[1]));
  expect(order).toEqual(files.map((_, i) => i));
});

it('resumes 1,000 paused files in order, starting runs only just ahead of the slots again', async () => {
  const runs = countRuns();
  const storage = createMemoryStorage();
  const engine = smallEngine(storage, { autoStart: false });
  const files = Array.from({ length: 1000 }, (_, i) => patternedFile(10, `f${i}.bin`));
  const ids = engine.add(files);
  engine.pause();
  const gate = deferred();
  storage.intercept(async () => {
    await gate.promise;
    return undefined;
  });
  const before = runs.started;
  engine.resume();
  await vi.waitFor(() => expect(storage.puts).toHaveLength(2));
  expect(runs.started - before).toBeLessThan(40);
  gate.resolve();
  await vi.waitFor(() => expect(storage.objects.size).toBe(1000), { timeout: 10_000 });
  const order = storage.puts.map((url) => Number(/f(\d+)\.bin/.exec(decodeURIComponent(url))?.[1]));
  expect(order).toEqual(ids.map((_, i) => i));
});
