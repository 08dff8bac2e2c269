import { QueryClient, QueryClientContext } from '@tanstack/react-query';
import { useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { createUploader, type UploaderOptions } from '../createUploader.js';
import type { UploadEngine } from '../core/createUploadEngine.js';
import {
  selectProgress,
  selectStatus,
  type AggregateProgress,
  type AggregateStatus,
  type ResumableUpload,
  type UploaderState,
} from '../core/selectors.js';
import type { UploadItem } from '../core/types.js';
import { createMutationRunner } from './mutationRunner.js';

/** `Omit` that keeps a union a union (plain `Omit` keeps only the keys every member shares). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Options of the upload hooks; not `runControl`: the hooks run control calls as TanStack Query mutations. */
export type UseUploaderOptions<TResult = unknown> = DistributiveOmit<
  UploaderOptions<TResult>,
  'runControl'
> & {
  /**
   * Client for control-plane mutations.
   * @default the nearest QueryClientProvider's, else a private one
   */
  queryClient?: QueryClient;
};

/** What the upload hooks return. Reading a field subscribes to it; nothing else re-renders. */
export interface UploadHookResult<TResult = unknown> {
  /** Every file, in the order added; rejected files included, with their error. */
  items: readonly UploadItem<TResult>[];
  /** Aggregate bytes, speed and ETA. Changes on every progress tick (once per frame at most). */
  progress: AggregateProgress;
  /** `idle`, `uploading`, `paused`, `error` or `done`, for the whole list. */
  status: AggregateStatus;
  /** `status === 'uploading'`. */
  isUploading: boolean;
  /**
   * Uploads a reload, a crash or a closed tab interrupted, read once on mount. Offer to
   * `restore(id)` (or, when `canReopen` is false, to pick the file again) or `discard(id)`.
   */
  resumable: readonly ResumableUpload[];
  /** The engine behind the hook, for `useUploaderState` / `useUploadItem`. */
  uploader: UploadEngine<TResult>;
  upload: UploadEngine<TResult>['upload'];
  add: UploadEngine<TResult>['add'];
  start: UploadEngine<TResult>['start'];
  setMetadata: UploadEngine<TResult>['setMetadata'];
  pause: UploadEngine<TResult>['pause'];
  resume: UploadEngine<TResult>['resume'];
  cancel: UploadEngine<TResult>['cancel'];
  retry: UploadEngine<TResult>['retry'];
  remove: UploadEngine<TResult>['remove'];
  reset: UploadEngine<TResult>['reset'];
  restore: UploadEngine<TResult>['restore'];
  discard: UploadEngine<TResult>['discard'];
}

type TrackedKey = 'items' | 'progress' | 'status' | 'isUploading' | 'resumable';

interface View<TResult> {
  items: readonly UploadItem<TResult>[];
  progress: AggregateProgress;
  status: AggregateStatus;
  isUploading: boolean;
  resumable: readonly ResumableUpload[];
}

const sameProgress = (a: AggregateProgress, b: AggregateProgress) =>
  a.bytesUploaded === b.bytesUploaded &&
  a.bytesTotal === b.bytesTotal &&
  a.speed === b.speed &&
  a.eta === b.eta;

function toView<TResult>(state: UploaderState<TResult>, previous: View<TResult> | undefined): View<TResult> {
  const progress = selectProgress(state.items);
  const status = selectStatus(state.items);
  return {
    items: state.items,
    progress: previous && sameProgress(previous.progress, progress) ? previous.progress : progress,
    status,
    isUploading: status === 'uploading',
    resumable: state.resumable,
  };
}

/**
 * The hook behind `usePresignedUpload`, `useMultipartUpload` and `useUpload`: one engine per
 * component, control calls as TanStack Query mutations, state read through
 * `useSyncExternalStore` with tracked fields (as TanStack Query's `notifyOnChangeProps`).
 *
 * The engine is created once; later renders update callbacks, validation, concurrency and the
 * control calls' `headers` / `getHeaders` (read at each call), but not `endpoint`, `backend`,
 * `mode` or `transport` (remount with a `key` to change those). Unmounting
 * pauses running uploads (a multipart upload can then resume after reload); remounting, as
 * StrictMode and `<Activity>` do, resumes them.
 */
export function useUploader<TResult = unknown>(
  options: UseUploaderOptions<TResult>,
): UploadHookResult<TResult> {
  const contextClient = useContext(QueryClientContext);
  const clientRef = useRef<QueryClient | undefined>(undefined);
  clientRef.current = options.queryClient ?? contextClient;
  const [privateClient] = useState(() => new QueryClient());

  // Headers are read at each call, from the latest render: a token kept in state never goes stale.
  const latest = useRef(options);
  latest.current = options;
  const [uploader] = useState(() =>
    createUploader<TResult>({
      ...options,
      ...('endpoint' in options && options.endpoint !== undefined
        ? {
            headers: undefined,
            getHeaders: async () => {
              const { headers, getHeaders } = latest.current as { headers?: Record<string, string> } & {
                getHeaders?: () => Record<string, string> | Promise<Record<string, string>>;
              };
              return { ...headers, ...(getHeaders ? await getHeaders() : {}) };
            },
          }
        : {}),
      runControl: createMutationRunner(() => clientRef.current ?? privateClient),
    }),
  );

  const { onSuccess, onError, maxFileSize, minFileSize, accept, maxFiles, concurrency } = options;
  useEffect(() => {
    uploader.setOptions({
      onSuccess,
      onError,
      maxFileSize,
      minFileSize,
      accept,
      maxFiles,
      ...(concurrency === undefined ? {} : { concurrency }),
    });
  }, [uploader, onSuccess, onError, maxFileSize, minFileSize, accept, maxFiles, concurrency]);

  useEffect(() => {
    uploader.wake();
    return () => uploader.suspend();
  }, [uploader]);

  useEffect(() => {
    void uploader.loadResumable();
  }, [uploader]);

  const tracked = useRef(new Set<TrackedKey>()).current;
  const cache = useRef<{ state: UploaderState<TResult>; view: View<TResult> } | undefined>(undefined);
  const [subscribe] = useState(() => (onChange: () => void) => {
    let last = getView();
    return uploader.store.subscribe(() => {
      const next = getView();
      const changed = [...tracked].some((key) => !Object.is(last[key], next[key]));
      last = next;
      if (changed) onChange();
    });
  });
  function getView(): View<TResult> {
    const state = uploader.store.getState();
    if (cache.current?.state !== state) cache.current = { state, view: toView(state, cache.current?.view) };
    return cache.current.view;
  }
  // Subscribes this component to the keys its renders (or later reads) use; the getters read getView.
  useSyncExternalStore(subscribe, getView, getView);

  const result = {
    uploader,
    upload: uploader.upload,
    add: uploader.add,
    start: uploader.start,
    setMetadata: uploader.setMetadata,
    pause: uploader.pause,
    resume: uploader.resume,
    cancel: uploader.cancel,
    retry: uploader.retry,
    remove: uploader.remove,
    reset: uploader.reset,
    restore: uploader.restore,
    discard: uploader.discard,
  } as UploadHookResult<TResult>;
  for (const key of ['items', 'progress', 'status', 'isUploading', 'resumable'] as const) {
    Object.defineProperty(result, key, {
      enumerable: true,
      get: () => {
        tracked.add(key);
        // The store's current value, not this render's: read after render (renderHook's
        // `result.current.items` in a waitFor), the first read used to return the value of the
        // last render, which had not tracked it, and stayed stale. In render both are the same.
        return getView()[key];
      },
    });
  }
  return result;
}
