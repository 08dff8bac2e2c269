import { useCallback, useMemo, useRef, useSyncExternalStore } from 'react';
import type { UploadEngine } from '../core/createUploadEngine.js';
import type { UploaderState } from '../core/selectors.js';
import type { UploadItem } from '../core/types.js';

/**
 * Subscribes to a slice of an uploader's state. The component re-renders only when the slice
 * changes by `isEqual`, so a list row that reads its own item ignores every other file's ticks.
 *
 * @example
 * const ids = useUploaderState(uploader, (s) => s.items.map((i) => i.id), shallowEqualArrays)
 */
export function useUploaderState<TResult, TSelected>(
  uploader: UploadEngine<TResult>,
  selector: (state: UploaderState<TResult>) => TSelected,
  isEqual: (a: TSelected, b: TSelected) => boolean = Object.is,
): TSelected {
  const { store } = uploader;
  // Kept across renders so an inline selector returning an equal value keeps its identity.
  const memo = useRef<{ state: UploaderState<TResult>; selector: unknown; selected: TSelected } | undefined>(
    undefined,
  );
  const getSnapshot = useMemo(
    () => (): TSelected => {
      const state = store.getState();
      const previous = memo.current;
      if (previous && previous.state === state && previous.selector === selector) return previous.selected;
      const selected = selector(state);
      const keep = previous !== undefined && isEqual(previous.selected, selected);
      memo.current = { state, selector, selected: keep ? previous.selected : selected };
      return memo.current.selected;
    },
    [store, selector, isEqual],
  );

  return useSyncExternalStore(store.subscribe, getSnapshot, getSnapshot);
}

/** One item by id, re-rendering only when that item changes. */
export function useUploadItem<TResult>(
  uploader: UploadEngine<TResult>,
  id: string,
): UploadItem<TResult> | undefined {
  // By index, not by search: a list of n rows re-running an O(n) find on every change is O(n²).
  const select = useCallback(() => uploader.getItem(id), [uploader, id]);
  return useUploaderState(uploader, select);
}

/** Element-wise `Object.is` equality for arrays, e.g. for a list of ids. */
export function shallowEqualArrays<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}
