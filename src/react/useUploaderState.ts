import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { UploadEngine } from '../core/createUploadEngine';
import type { UploaderState } from '../core/selectors';
import type { UploadItem } from '../core/types';

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
  const memo = useRef<{ state: UploaderState<TResult>; selected: TSelected } | undefined>(undefined);
  // The latest selector and comparator, without re-subscribing when they are inline functions.
  const latest = useRef({ selector, isEqual });
  latest.current = { selector, isEqual };

  const getSnapshot = useCallback((): TSelected => {
    const state = store.getState();
    const previous = memo.current;
    if (previous && previous.state === state) return previous.selected;
    const selected = latest.current.selector(state);
    if (previous && latest.current.isEqual(previous.selected, selected)) {
      memo.current = { state, selected: previous.selected };
      return previous.selected;
    }
    memo.current = { state, selected };
    return selected;
  }, [store]);

  return useSyncExternalStore(store.subscribe, getSnapshot, getSnapshot);
}

/** One item by id, re-rendering only when that item changes. */
export function useUploadItem<TResult>(
  uploader: UploadEngine<TResult>,
  id: string,
): UploadItem<TResult> | undefined {
  return useUploaderState(uploader, (state) => state.items.find((item) => item.id === id));
}

/** Element-wise `Object.is` equality for arrays, e.g. for a list of ids. */
export function shallowEqualArrays<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}
