import { expect, it, vi } from 'vitest';
import { createUploadEngine } from '../../src/core/createUploadEngine';
import { nextTask } from '../../src/core/nextTask';
import { createMemoryStorage, deferred, patternedFile } from '../helpers/memoryStorage';

// upload() of a long list adds it in slices of 8 files, one task each (issue 12: 200 dropped
// photos held the page for up to 240 ms in one task, reading each file's size from disk).

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

it('adds 8 files at once and the rest in later tasks, in order; the promise covers every file', async () => {
  const { engine, gate } = engineWithHeldPuts();
  const settled = engine.upload(files(65));
  expect(listed(engine)).toEqual(files(8).map((f) => f.name));
  await nextTask();
  expect(listed(engine)).toHaveLength(16);
  for (let i = 0; i < 7; i++) await nextTask();
  expect(listed(engine)).toEqual(files(65).map((f) => f.name));
  gate.resolve();
  const items = await settled;
  expect(items.map((item) => item.name)).toEqual(files(65).map((f) => f.name));
  expect(items.every((item) => item.status === 'done')).toBe(true);
});

it('8 files or fewer are added in the calling task, as before', () => {
  const { engine } = engineWithHeldPuts();
  void engine.upload(files(8));
  expect(listed(engine)).toHaveLength(8);
});

it.each(['cancel()', 'reset()'] as const)(
  '%s while slices are still coming: the files not added yet never are; the promise settles',
  async (action) => {
    const { engine } = engineWithHeldPuts();
    const settled = engine.upload(files(100));
    await nextTask(); // 16 added
    const stopped = action === 'cancel()' ? engine.cancel() : engine.reset();
    // The store says at once that nothing more is coming.
    expect(engine.store.getState().adding).toBe(0);
    await stopped;
    for (let i = 0; i < 5; i++) await nextTask();
    expect(engine.store.getState().adding).toBe(0);
    const expected = action === 'cancel()' ? 16 : 0;
    expect(listed(engine)).toHaveLength(expected);
    const items = await settled;
    expect(items.length).toBeLessThanOrEqual(16);
    expect(items.every((item) => item.status === 'canceled')).toBe(true);
  },
);

it('cancel(id) of one file does not stop the slices of the others', async () => {
  const { engine } = engineWithHeldPuts();
  void engine.upload(files(50));
  const first = engine.store.getState().items[0]!;
  await engine.cancel(first.id);
  for (let i = 0; i < 8; i++) await nextTask();
  expect(listed(engine)).toHaveLength(50);
});

it('the store says how many files are still to be added (adding), in the update that adds each slice', async () => {
  const { engine } = engineWithHeldPuts();
  const seen: Array<[number, number]> = [];
  engine.store.subscribe((state) => seen.push([state.items.length, state.adding]));
  void engine.upload(files(20));
  expect(engine.store.getState().adding).toBe(12);
  for (let i = 0; i < 3; i++) await nextTask();
  expect(engine.store.getState()).toMatchObject({ adding: 0 });
  expect(seen.filter(([, adding]) => adding >= 0).map(([n, adding]) => n + adding)).toContain(20);
  expect(seen.some(([n, adding]) => n === 20 && adding === 0)).toBe(true);
  // Cancelled with files still to come: back to 0.
  void engine.upload(files(40));
  await engine.cancel();
  for (let i = 0; i < 3; i++) await nextTask();
  expect(engine.store.getState().adding).toBe(0);
});

// Anything else done to the list while a drop is still being added first adds the rest of it, so
// the list's order, maxFiles and actions on all files see every file, as before the slices.

it('add() during a drop comes after the whole drop, in order; maxFiles keeps the first files', async () => {
  const { engine } = engineWithHeldPuts();
  engine.setOptions({ maxFiles: 12 });
  void engine.upload(files(20));
  const late = engine.add([patternedFile(10, 'late.bin')]);
  const names = listed(engine);
  expect(names).toEqual([...files(20).map((f) => f.name), 'late.bin']);
  const refused = engine.store.getState().items.filter((item) => item.error?.isValidation);
  expect(refused.map((item) => item.name)).toEqual([
    ...files(20)
      .slice(12)
      .map((f) => f.name),
    'late.bin',
  ]);
  expect(late).toHaveLength(1);
});

it('start() of all during a drop with autoStart off starts every file of it', async () => {
  const { engine, gate, storage } = engineWithHeldPuts();
  engine.setOptions({ autoStart: false } as never);
  const settled = engine.upload(files(20));
  engine.start();
  gate.resolve();
  const items = await settled;
  expect(items).toHaveLength(20);
  expect(items.every((item) => item.status === 'done')).toBe(true);
  expect(storage.puts).toHaveLength(20);
});

it.each(['pause()', 'suspend()'] as const)('%s during a drop holds every file of it', async (action) => {
  const { engine } = engineWithHeldPuts();
  void engine.upload(files(40));
  if (action === 'pause()') engine.pause();
  else engine.suspend();
  for (let i = 0; i < 6; i++) await nextTask();
  const states = engine.store.getState().items.map((item) => item.status);
  expect(states).toHaveLength(40);
  expect(states.every((status) => status === 'paused')).toBe(true);
});

it('a list with something that is not a file: upload() throws, nothing is left still to come', async () => {
  const { engine } = engineWithHeldPuts();
  const list = [...files(4), null, ...files(15)] as unknown as File[];
  expect(() => engine.upload(list)).toThrow();
  for (let i = 0; i < 3; i++) await nextTask();
  expect(engine.store.getState().adding).toBe(0);
});

it('a later slice that is not a file ends the drop there, without an unhandled rejection', async () => {
  const { engine } = engineWithHeldPuts();
  const list = [...files(12), null, ...files(7)] as unknown as File[];
  const settled = engine.upload(list);
  for (let i = 0; i < 4; i++) await nextTask();
  expect(engine.store.getState().adding).toBe(0);
  expect(listed(engine)).toHaveLength(8);
  await engine.cancel();
  expect((await settled).length).toBe(8);
});

it('without MessageChannel (Jest with jsdom) every file is added at once', () => {
  const { engine } = engineWithHeldPuts();
  vi.stubGlobal('MessageChannel', undefined);
  try {
    void engine.upload(files(30));
    expect(listed(engine)).toHaveLength(30);
  } finally {
    vi.unstubAllGlobals();
  }
});

it('pauses, resumes and cancels a list of ids in one store update each, and only those', () => {
  const { engine } = engineWithHeldPuts();
  const ids = engine.add(files(6));
  const some = ids.slice(0, 3);
  const updates = vi.fn();
  engine.store.subscribe(updates);
  const statuses = () => engine.store.getState().items.map((item) => item.status);
  engine.pause(some);
  expect(updates).toHaveBeenCalledTimes(1);
  expect(statuses().slice(0, 3)).toEqual(['paused', 'paused', 'paused']);
  expect(statuses().slice(3)).not.toContain('paused');
  engine.resume(some);
  expect(updates).toHaveBeenCalledTimes(2);
  expect(statuses()).not.toContain('paused');
  void engine.cancel(some);
  expect(updates).toHaveBeenCalledTimes(3);
  expect(statuses().slice(0, 3)).toEqual(['canceled', 'canceled', 'canceled']);
  expect(statuses().slice(3)).not.toContain('canceled');
});
