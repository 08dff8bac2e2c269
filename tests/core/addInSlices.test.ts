import { expect, it } from 'vitest';
import { createUploadEngine } from '../../src/core/createUploadEngine';
import { nextTask } from '../../src/core/nextTask';
import { createMemoryStorage, deferred, patternedFile } from '../helpers/memoryStorage';

// upload() of a long list adds it in slices of at most 16 files (and 8 ms of size reads), one
// task each (issue 12: 200 dropped photos held the page for up to 240 ms in one task, reading
// each file's size from disk).

function engineWithHeldPuts() {
  const storage = createMemoryStorage();
  const gate = deferred();
  storage.intercept(async () => {
    await gate.promise;
    return undefined;
  });
  const engine = createUploadEngine({
    mode: 'single',
    backend: storage.backend,
    transport: storage.transport,
    resumeStorage: false,
    checksum: false,
  });
  return { engine, storage, gate };
}

const files = (count: number) => Array.from({ length: count }, (_, i) => patternedFile(10, `f${i}.bin`));
const listed = (engine: ReturnType<typeof engineWithHeldPuts>['engine']) =>
  engine.store.getState().items.map((item) => item.name);

it('adds 16 files at once and the rest in later tasks, in order; the promise covers every file', async () => {
  const { engine, gate } = engineWithHeldPuts();
  const settled = engine.upload(files(65));
  expect(listed(engine)).toEqual(files(16).map((f) => f.name));
  await nextTask();
  expect(listed(engine)).toHaveLength(32);
  for (let i = 0; i < 3; i++) await nextTask();
  expect(listed(engine)).toEqual(files(65).map((f) => f.name));
  gate.resolve();
  const items = await settled;
  expect(items.map((item) => item.name)).toEqual(files(65).map((f) => f.name));
  expect(items.every((item) => item.status === 'done')).toBe(true);
});

it('16 files or fewer are added in the calling task, as before', () => {
  const { engine } = engineWithHeldPuts();
  void engine.upload(files(16));
  expect(listed(engine)).toHaveLength(16);
});

it.each(['cancel()', 'reset()'] as const)(
  '%s while slices are still coming: the files not added yet never are; the promise settles',
  async (action) => {
    const { engine } = engineWithHeldPuts();
    const settled = engine.upload(files(100));
    await nextTask(); // 32 added
    if (action === 'cancel()') await engine.cancel();
    else await engine.reset();
    for (let i = 0; i < 5; i++) await nextTask();
    const expected = action === 'cancel()' ? 32 : 0;
    expect(listed(engine)).toHaveLength(expected);
    const items = await settled;
    expect(items.length).toBeLessThanOrEqual(32);
    expect(items.every((item) => item.status === 'canceled')).toBe(true);
  },
);

it('cancel(id) of one file does not stop the slices of the others', async () => {
  const { engine } = engineWithHeldPuts();
  void engine.upload(files(50));
  const first = engine.store.getState().items[0]!;
  await engine.cancel(first.id);
  for (let i = 0; i < 4; i++) await nextTask();
  expect(listed(engine)).toHaveLength(50);
});

it('a slice stops reading sizes after 8 ms: files whose first size read takes 3 ms come 1 to 3 a task', () => {
  const { engine } = engineWithHeldPuts();
  /** A file from disk: its first `size` asks the browser process, synchronously. */
  class DiskFile extends File {
    #read = false;
    override get size() {
      if (!this.#read) {
        const until = performance.now() + 3;
        while (performance.now() < until) {
          // busy, as the synchronous call is
        }
        this.#read = true;
      }
      return super.size;
    }
  }
  void engine.upload(Array.from({ length: 40 }, (_, i) => new DiskFile(['x'], `d${i}.bin`)));
  const first = listed(engine).length;
  expect(first).toBeGreaterThanOrEqual(1);
  expect(first).toBeLessThanOrEqual(3);
});
