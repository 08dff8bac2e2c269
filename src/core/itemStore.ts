import { createStore, type StoreApi } from 'zustand/vanilla';
import type { UploaderState } from './selectors.js';
import type { UploadItem } from './types.js';
import { isSettled, uploadReducer, type UploadAction } from './uploadMachine.js';

/** The engine's view of the item list: every change at once, published at most once a frame. */
export interface ItemStore<TResult> {
  /** The zustand store apps subscribe to. */
  readonly store: StoreApi<UploaderState<TResult>>;
  /** The item as subscribers see it (published), in constant time. */
  published(id: string): UploadItem<TResult> | undefined;
  /** The item as it is now, changes not yet published included. */
  current(id: string): UploadItem<TResult> | undefined;
  /** Applies an action now and publishes it with the next frame. Returns false if it was illegal. */
  dispatch(id: string, action: UploadAction<TResult>): boolean;
  /** Asks for this item's progress to be read (through `progressOf`) at the next frame. */
  touch(id: string): void;
  /** Forgets the progress asked for: the bytes in flight are gone (pause, cancel). */
  untouch(id: string): void;
  /** Adds items at the end of the list, published at once. */
  /** Adds items, and sets how many more `upload()` calls will add (`adding`) in the same update. */
  append(items: readonly UploadItem<TResult>[], adding?: number): void;
  /** Removes an item, published at once; callers waiting for it get `undefined`. */
  remove(id: string): void;
  /** Empties the list, published at once. */
  clear(): void;
  /** Publishes everything pending now, in one store update. */
  publish(): void;
  /** Resolves once every item has settled as published (done, error, canceled) or left. */
  whenSettled(ids: readonly string[]): Promise<UploadItem<TResult>[]>;
}

export interface ItemStoreOptions<TResult> {
  /** The progress action for an item asked for by `touch`, read at publish time. */
  progressOf(id: string): UploadAction<TResult> | undefined;
  /** Called after publishing, once per item that settled since the last publish. */
  onSettled(item: UploadItem<TResult>): void;
  /** Schedules a publish; returns a cancel function. */
  scheduleFrame(flush: () => void): () => void;
}

/**
 * A file's status changes come from network events at any moment: with thousands of small files
 * that is thousands of changes a second. Each one is applied at once to a private map (so the
 * engine always decides on the truth), while subscribers get one store update per frame with
 * every change since the last: one copy of the list per frame, not per change. User actions
 * (`publish()` after them) are seen at once.
 */
export function createItemStore<TResult>(options: ItemStoreOptions<TResult>): ItemStore<TResult> {
  const store = createStore<UploaderState<TResult>>()(() => ({
    items: [],
    offline: false,
    resumable: [],
    adding: 0,
  }));
  const live = new Map<string, UploadItem<TResult>>();
  // Position of each item in the published list.
  let index = new Map<string, number>();
  const changed = new Set<string>();
  const progressed = new Set<string>();
  const settling = new Set<string>();
  const waiters = new Map<string, Array<(item: UploadItem<TResult> | undefined) => void>>();
  let cancelFrame: (() => void) | undefined;

  const published = (id: string) => {
    const position = index.get(id);
    return position === undefined ? undefined : store.getState().items[position];
  };

  function schedule(): void {
    cancelFrame ??= options.scheduleFrame(publish);
  }

  function notify(id: string, item: UploadItem<TResult> | undefined): void {
    const waiting = waiters.get(id);
    if (!waiting) return;
    waiters.delete(id);
    for (const resolve of waiting) resolve(item);
  }

  function apply(id: string, action: UploadAction<TResult>): boolean {
    const item = live.get(id);
    if (!item) return false;
    const next = uploadReducer(item, action);
    if (next === item) return false;
    live.set(id, next);
    changed.add(id);
    if (isSettled(next.status) && !isSettled(item.status)) settling.add(id);
    return true;
  }

  function publish(): void {
    cancelFrame?.();
    cancelFrame = undefined;
    for (const id of progressed) {
      const action = options.progressOf(id);
      if (action) apply(id, action);
    }
    progressed.clear();
    if (changed.size === 0) return;
    const items = store.getState().items.slice();
    for (const id of changed) {
      const position = index.get(id);
      const item = live.get(id);
      if (position !== undefined && item) items[position] = item;
    }
    changed.clear();
    store.setState({ items });
    if (settling.size === 0) return;
    const settled = [...settling];
    settling.clear();
    for (const id of settled) {
      const item = live.get(id);
      if (!item || !isSettled(item.status)) continue;
      notify(id, item);
      options.onSettled(item);
    }
  }

  function setList(items: readonly UploadItem<TResult>[]): void {
    index = new Map(items.map((item, i) => [item.id, i]));
    store.setState({ items });
  }

  return {
    store,
    published,
    current: (id) => live.get(id),
    dispatch(id, action) {
      const legal = apply(id, action);
      if (legal) schedule();
      return legal;
    },
    touch(id) {
      progressed.add(id);
      schedule();
    },
    untouch(id) {
      progressed.delete(id);
    },
    append(added, adding) {
      if (added.length === 0) return;
      publish();
      const items = store.getState().items;
      added.forEach((item, i) => {
        index.set(item.id, items.length + i);
        live.set(item.id, item);
      });
      store.setState({ items: [...items, ...added], ...(adding === undefined ? {} : { adding }) });
    },
    remove(id) {
      publish();
      if (!live.delete(id)) return;
      setList(store.getState().items.filter((item) => item.id !== id));
      notify(id, undefined);
    },
    clear() {
      publish();
      live.clear();
      setList([]);
      for (const id of [...waiters.keys()]) notify(id, undefined);
    },
    publish,
    whenSettled(ids) {
      // One promise for the call, not one per file: `upload()` of 10,000 files made 10,000.
      return new Promise((resolve) => {
        const found = ids.map(published);
        let waiting = 1;
        const settle = () => {
          if (--waiting === 0) resolve(found.filter((item): item is UploadItem<TResult> => !!item));
        };
        found.forEach((item, position) => {
          if (!item || isSettled(item.status)) return;
          waiting++;
          const id = item.id;
          waiters.set(id, [
            ...(waiters.get(id) ?? []),
            (settled) => {
              found[position] = settled;
              settle();
            },
          ]);
        });
        settle();
      });
    },
  };
}
