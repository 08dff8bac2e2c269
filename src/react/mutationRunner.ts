import { MutationObserver, type QueryClient } from '@tanstack/react-query';
import type { ControlRunner } from '../core/createUploadEngine.js';
import { abortedError, toUploadError } from '../core/errors.js';

// Returned instead of failing when upkit itself aborted the call (pause, cancel, unmount):
// that is not an error, and an app's global MutationCache.onError must not hear of it.
const ABORTED = Symbol('upkit.aborted');

/**
 * Runs each control call as a TanStack Query mutation keyed `['upkit', name]`, so it shows in
 * the devtools and in `useIsMutating({ mutationKey: ['upkit'] })`. One mutation spans a call's
 * retries and fails only when upkit gives up. A batch call (`presign`, `complete` of many files)
 * is one mutation, which succeeds when the call does even if some of its files were refused:
 * each file's error is its own. The mutation itself never retries and never waits
 * for `onlineManager`, since a paused mutation would hold a request slot that cancel cannot free.
 * A settled call leaves the cache at once (10,000 files kept 6 MiB of answers there): an app that
 * wants them kept for `useMutationState` says so with
 * `queryClient.setMutationDefaults(['upkit'], { gcTime })`.
 */
export function createMutationRunner(getClient: () => QueryClient): ControlRunner {
  return async (name, call) => {
    const client = getClient();
    const mutationKey = ['upkit', name];
    const observer = new MutationObserver(client, {
      mutationKey,
      gcTime: client.getMutationDefaults(mutationKey).gcTime ?? 0,
      mutationFn: () =>
        call().catch((error: unknown) => {
          if (toUploadError(error).code === 'aborted') return ABORTED;
          throw error;
        }),
      retry: false,
      networkMode: 'always',
    });
    let result: unknown;
    try {
      result = await observer.mutate();
    } finally {
      // Detached, the settled mutation is garbage-collected after the client's mutation `gcTime`
      // (an observer left on it kept every call, its answer and its closure for the page's life).
      observer.reset();
    }
    if (result === ABORTED) throw abortedError();
    return result as Awaited<ReturnType<typeof call>>;
  };
}
