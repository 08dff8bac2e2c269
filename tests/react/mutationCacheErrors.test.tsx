import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { expect, it, vi } from 'vitest';
import { UploadError } from '../../src/core/errors';
import { useMultipartUpload } from '../../src/react/useMultipartUpload';
import { usePresignedUpload } from '../../src/react/usePresignedUpload';
import type { UploadHookResult } from '../../src/react/useUploader';
import { createMemoryStorage } from '../helpers/memoryStorage';

// mutationRunner.ts: each control *attempt* is its own mutation, so an app's global
// MutationCache onError (commonly a toast) fires for failures the engine retries away, and for
// every request aborted by pause/cancel/unmount -- errors the user never sees on any item.
it("a control call that succeeds on retry does not reach the app's global mutation onError", async () => {
  const onError = vi.fn();
  const client = new QueryClient({ mutationCache: new MutationCache({ onError }) });
  const storage = createMemoryStorage();
  let failures = 1;
  const backend = {
    ...storage.backend,
    async complete(...args: Parameters<typeof storage.backend.complete>) {
      if (failures-- > 0) throw new UploadError('backend-error', 'busy', { status: 503 });
      return storage.backend.complete(...args);
    },
  };
  let api!: UploadHookResult;
  function App() {
    api = usePresignedUpload({
      backend,
      transport: storage.transport,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    return null;
  }
  const wrap = (c: ReactNode) => <QueryClientProvider client={client}>{c}</QueryClientProvider>;
  render(wrap(<App />));
  let items: Awaited<ReturnType<UploadHookResult['upload']>> = [];
  await act(async () => {
    items = await api.upload([new File(['x'], 'a.txt')]);
  });
  expect(items[0]?.status).toBe('done');
  expect(onError).not.toHaveBeenCalled();
});

it("a signParts call that succeeds on retry is one mutation, and never reaches the app's global onError", async () => {
  const onError = vi.fn();
  const client = new QueryClient({ mutationCache: new MutationCache({ onError }) });
  const storage = createMemoryStorage();
  let failures = 1;
  const backend = {
    ...storage.backend,
    async signParts(...args: Parameters<typeof storage.backend.signParts>) {
      if (failures-- > 0) throw new UploadError('backend-error', 'busy', { status: 503 });
      return storage.backend.signParts(...args);
    },
  };
  let api!: UploadHookResult;
  function App() {
    api = useMultipartUpload({
      backend,
      transport: storage.transport,
      resumeStorage: false,
      partSize: 5 * 1024 * 1024,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    return null;
  }
  render(
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>,
  );
  let items: Awaited<ReturnType<UploadHookResult['upload']>> = [];
  await act(async () => {
    items = await api.upload([new File([new Uint8Array(6 * 1024 * 1024)], 'big.bin')]);
  });
  expect(items[0]?.status).toBe('done');
  expect(onError).not.toHaveBeenCalled();
  const signMutations = client
    .getMutationCache()
    .getAll()
    .filter((mutation) => JSON.stringify(mutation.options.mutationKey) === '["upkit","signParts"]');
  expect(signMutations).toHaveLength(1);
});
