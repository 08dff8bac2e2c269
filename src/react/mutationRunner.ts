import { MutationObserver, type QueryClient } from '@tanstack/react-query';
import type { ControlRunner } from '../core/createUploadEngine';
import { abortedError, toUploadError } from '../core/errors';

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
 */
export function createMutationRunner(getClient: () => QueryClient): ControlRunner {
  return async (name, call) => {
    const result = await new MutationObserver(getClient(), {
      mutationKey: ['upkit', name],
      mutationFn: () =>
        call().catch((error: unknown) => {
          if (toUploadError(error).code === 'aborted') return ABORTED;
          throw error;
        }),
      retry: false,
      networkMode: 'always',
    }).mutate();
    if (result === ABORTED) throw abortedError();
    return result as Awaited<ReturnType<typeof call>>;
  };
}
