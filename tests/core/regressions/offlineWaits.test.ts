// Issue 10: offline, a file failed after its retries (30 s to 3.5 min) and stayed failed. Now
// requests wait for the network without spending retries, the uploader says it is offline, and
// the upload goes on by itself when the network is back.
import { afterEach, expect, it, vi } from 'vitest';
import { UploadError } from '../../../src/core/errors';
import {
  blobSha256,
  createMemoryStorage,
  createTestEngine,
  patternedFile,
  sha256,
} from '../../helpers/memoryStorage';

afterEach(() => vi.restoreAllMocks());

for (const mode of ['single', 'multipart'] as const) {
  it(`${mode}: waits offline without spending retries, then finishes when the network is back`, async () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const storage = createMemoryStorage();
    const engine = createTestEngine(storage, {
      mode,
      partSize: 5 * 1024 * 1024,
      retry: { retries: 0 },
    });
    // No connection: every PUT fails as a browser's XHR does.
    storage.intercept(() => {
      if (navigator.onLine) return undefined;
      throw new UploadError('network', 'Network error');
    });
    const file = patternedFile(mode === 'single' ? 3000 : 6 * 1024 * 1024, `${mode}.bin`);
    const done = engine.upload([file]);
    await vi.waitFor(() => expect(engine.store.getState().offline).toBe(true));
    // Still uploading, not failed, although no retry was allowed.
    expect(engine.store.getState().items[0]?.status).toMatch(/^(signing|uploading)$/);

    onLine.mockReturnValue(true);
    window.dispatchEvent(new Event('online'));
    const [item] = await done;
    expect(item?.status).toBe('done');
    expect(engine.store.getState().offline).toBe(false);
    expect(sha256(storage.objects.get(item!.key!)!)).toBe(await blobSha256(file));
  });
}

it('a network failure while the browser says it is online is retried as before, then fails', async () => {
  const storage = createMemoryStorage();
  const engine = createTestEngine(storage, {
    mode: 'single',
    retry: { retries: 0 },
  });
  storage.intercept(() => {
    throw new UploadError('network', 'Network error');
  });
  const [item] = await engine.upload([patternedFile(100, 'x.bin')]);
  expect(item?.status).toBe('error');
  expect(item?.error?.code).toBe('network');
  expect(engine.store.getState().offline).toBe(false);
});
