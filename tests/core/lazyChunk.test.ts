// @vitest-environment node
import { expect, it, vi } from 'vitest';
import { isUploadError } from '../../src/core/errors';
import { lazyChunk } from '../../src/core/lazyChunk';

// A chunk that failed to download (offline on a train, or a deploy that removed it) must not be
// kept: each later call fetches again. Whatever the browser calls the failure, it is a retryable
// network error, not a final one.
it('fetches once, keeps no failure, and fails as a retryable network error', async () => {
  const module = { ready: true };
  const load = vi
    .fn<() => Promise<typeof module>>()
    .mockRejectedValueOnce(new TypeError('Importing a module script failed.'))
    .mockResolvedValue(module);
  const chunk = lazyChunk(load);

  const failure = await chunk().catch((error: unknown) => error);
  expect(isUploadError(failure) && { code: failure.code, final: failure.isFinal }).toEqual({
    code: 'network',
    final: false,
  });
  await expect(chunk()).resolves.toBe(module);
  await expect(chunk()).resolves.toBe(module);
  expect(load).toHaveBeenCalledTimes(2);
});
