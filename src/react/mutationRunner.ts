import { MutationObserver, type QueryClient } from '@tanstack/react-query';
import type { ControlRunner } from '../core/createUploadEngine';

/**
 * Runs each control call as a TanStack Query mutation keyed `['upkit', name]`, so it shows in
 * the devtools and in `useIsMutating({ mutationKey: ['upkit'] })`. The engine retries and
 * schedules; the mutation itself never retries and never waits for `onlineManager`, since a
 * paused mutation would hold a request slot that cancel cannot free.
 */
export function createMutationRunner(getClient: () => QueryClient): ControlRunner {
  return (name, call) =>
    new MutationObserver(getClient(), {
      mutationKey: ['upkit', name],
      mutationFn: () => call(),
      retry: false,
      networkMode: 'always',
    }).mutate();
}
