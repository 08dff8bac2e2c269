import { describe, expect, it, vi } from 'vitest';
import { createUploadEngine } from '../../src/core/createUploadEngine';
import { createItemStore } from '../../src/core/itemStore';
import type { UploadItem } from '../../src/core/types';
import type { UploadAction } from '../../src/core/uploadMachine';
import { mockUploadItem } from '../../src/msw/mockUploadItem';
import { createMemoryStorage, patternedFile } from '../helpers/memoryStorage';

const item = (id: string): UploadItem => mockUploadItem({ id, name: id, size: 1 });

function setup(progress: Record<string, UploadAction> = {}) {
  const frames: Array<() => void> = [];
  const settled: UploadItem[] = [];
  const items = createItemStore<unknown>({
    scheduleFrame: (flush) => {
      frames.push(flush);
      return () => frames.splice(frames.indexOf(flush), 1);
    },
    progressOf: (id) => progress[id],
    onSettled: (settledItem) => settled.push(settledItem),
  });
  let updates = 0;
  items.store.subscribe(() => updates++);
  return { items, frames, settled, updates: () => updates };
}

describe('createItemStore', () => {
  it('applies a change at once for the engine and publishes it with the next frame', () => {
    const { items, frames, updates } = setup();
    items.append([item('a')]);
    const appended = updates();
    expect(items.dispatch('a', { type: 'sign' })).toBe(true);
    expect(items.current('a')?.status).toBe('signing');
    expect(items.published('a')?.status).toBe('queued');
    expect(updates()).toBe(appended);
    expect(frames).toHaveLength(1);
    frames[0]!();
    expect(items.published('a')?.status).toBe('signing');
    expect(updates()).toBe(appended + 1);
  });

  it('publishes every change of every item since the last frame in one store update', () => {
    const { items, frames, updates } = setup();
    items.append(['a', 'b', 'c'].map(item));
    const before = updates();
    for (const id of ['a', 'b', 'c']) {
      items.dispatch(id, { type: 'sign' });
      items.dispatch(id, { type: 'start' });
      items.dispatch(id, { type: 'complete' });
    }
    expect(frames).toHaveLength(1);
    frames[0]!();
    expect(updates() - before).toBe(1);
    expect(items.store.getState().items.map((i) => i.status)).toEqual([
      'completing',
      'completing',
      'completing',
    ]);
  });

  it('refuses an illegal action without scheduling anything', () => {
    const { items, frames } = setup();
    items.append([item('a')]);
    expect(items.dispatch('a', { type: 'succeed', result: 1 })).toBe(false);
    expect(items.dispatch('missing', { type: 'sign' })).toBe(false);
    expect(frames).toHaveLength(0);
  });

  it('tells of a settled item once the store shows it, and resolves whenSettled then', async () => {
    const { items, frames, settled } = setup();
    items.append([item('a')]);
    const waiting = items.whenSettled(['a']);
    let resolved = false;
    void waiting.then(() => (resolved = true));
    items.dispatch('a', { type: 'sign' });
    items.dispatch('a', { type: 'start' });
    items.dispatch('a', { type: 'complete' });
    items.dispatch('a', { type: 'succeed', result: 'ok' });
    await Promise.resolve();
    expect(settled).toHaveLength(0);
    expect(resolved).toBe(false);
    frames[0]!();
    expect(settled.map((s) => s.status)).toEqual(['done']);
    expect(items.store.getState().items[0]?.status).toBe('done');
    expect((await waiting).map((s) => s.result)).toEqual(['ok']);
  });

  it('reads progress only for touched items, at publish time', () => {
    const progress: Record<string, UploadAction> = {
      a: { type: 'progress', bytesUploaded: 1, speed: 5, eta: 0 },
    };
    const { items, frames } = setup(progress);
    items.append([item('a'), item('b')]);
    items.dispatch('a', { type: 'sign' });
    items.dispatch('b', { type: 'sign' });
    frames[0]!();
    items.touch('a');
    items.touch('b');
    items.untouch('b');
    frames[0]!();
    expect(items.published('a')?.speed).toBe(5);
    expect(items.published('b')?.speed).toBe(0);
  });

  it('publishes pending changes before a removal and resolves its waiters with undefined', async () => {
    const { items } = setup();
    items.append([item('a'), item('b')]);
    const waiting = items.whenSettled(['a', 'b']);
    items.dispatch('b', { type: 'sign' });
    items.remove('a');
    expect(items.store.getState().items.map((i) => [i.id, i.status])).toEqual([['b', 'signing']]);
    expect(items.published('b')?.id).toBe('b');
    items.clear();
    expect(await waiting).toEqual([]);
    expect(items.store.getState().items).toEqual([]);
  });
});

describe('the engine with many small files', () => {
  it('makes far fewer store updates than status changes', async () => {
    const storage = createMemoryStorage();
    const frames: Array<() => void> = [];
    const engine = createUploadEngine({
      mode: 'single',
      backend: storage.backend,
      transport: storage.transport,
      resumeStorage: false,
      scheduleFrame: (flush) => {
        frames.push(flush);
        return () => frames.splice(frames.indexOf(flush), 1);
      },
    });
    let updates = 0;
    engine.store.subscribe(() => updates++);
    const files = Array.from({ length: 300 }, (_, i) => patternedFile(100, `f${i}.bin`));
    const settled = engine.upload(files);
    // A frame every few ms, as a browser would paint while the network answers.
    const painter = setInterval(() => frames.shift()?.(), 5);
    try {
      const done = await settled;
      expect(done.filter((i) => i.status === 'done')).toHaveLength(300);
    } finally {
      clearInterval(painter);
    }
    // Four status changes and a progress tick per file: 1,500 changes without coalescing.
    expect(updates).toBeLessThan(300);
    await vi.waitFor(() => expect(storage.objects.size).toBe(300));
  });
});
