import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import { UploadError } from '../../src/core/errors';
import { useMultipartUpload } from '../../src/react/useMultipartUpload';
import { usePresignedUpload } from '../../src/react/usePresignedUpload';
import type { UploadHookResult } from '../../src/react/useUploader';
import { createMemoryStorage } from '../helpers/memoryStorage';

// mutationRunner.ts: one mutation spans a control call's retries, so an app's global
// MutationCache onError (commonly a toast) never fires for a failure the engine retries away,
// which the user never sees on any item.

type Storage = ReturnType<typeof createMemoryStorage>;
type Call = 'presign' | 'complete' | 'signParts';

/**
 * Uploads `file` through `hook` under a QueryClient whose MutationCache reports errors, with the
 * backend's `call` failing once with a 503 before it succeeds.
 */
async function uploadFailingOnce(
  call: Call,
  hook: typeof usePresignedUpload | typeof useMultipartUpload,
  file: File,
) {
  const onError = vi.fn();
  const client = new QueryClient({ mutationCache: new MutationCache({ onError }) });
  // Kept after they settle, for the counts below.
  client.setMutationDefaults(['upkit'], { gcTime: Infinity });
  const storage: Storage = createMemoryStorage();
  const original = storage.backend[call].bind(storage.backend) as (...args: unknown[]) => Promise<unknown>;
  let failures = 1;
  const backend = {
    ...storage.backend,
    [call]: async (...args: unknown[]) => {
      if (failures-- > 0) throw new UploadError('backend-error', 'busy', { status: 503 });
      return original(...args);
    },
  };
  let api!: UploadHookResult;
  function App() {
    api = hook({
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
    items = await api.upload([file]);
  });
  const mutations = (name: string) =>
    client
      .getMutationCache()
      .getAll()
      .filter((mutation) => JSON.stringify(mutation.options.mutationKey) === JSON.stringify(['upkit', name]));
  return { items, onError, mutations };
}

it("a control call that succeeds on retry does not reach the app's global mutation onError", async () => {
  const { items, onError } = await uploadFailingOnce(
    'complete',
    usePresignedUpload,
    new File(['x'], 'a.txt'),
  );
  expect(items[0]?.status).toBe('done');
  expect(onError).not.toHaveBeenCalled();
});

it("a signParts call that succeeds on retry is one mutation, and never reaches the app's global onError", async () => {
  const big = new File([new Uint8Array(6 * 1024 * 1024)], 'big.bin');
  const { items, onError, mutations } = await uploadFailingOnce('signParts', useMultipartUpload, big);
  expect(items[0]?.status).toBe('done');
  expect(onError).not.toHaveBeenCalled();
  expect(mutations('signParts')).toHaveLength(1);
});

it("a presign that succeeds on retry is one mutation, and never reaches the app's global onError", async () => {
  const { items, onError, mutations } = await uploadFailingOnce(
    'presign',
    usePresignedUpload,
    new File(['x'], 'a.txt'),
  );
  expect(items[0]?.status).toBe('done');
  expect(onError).not.toHaveBeenCalled();
  expect(mutations('presign')).toHaveLength(1);
});
