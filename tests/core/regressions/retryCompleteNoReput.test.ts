// Issue 10: retry() after a failed `complete` used to PUT the whole file again under a new key,
// leaving the first object behind. Storage already had the bytes; only `complete` had failed.
import { expect, it, vi } from 'vitest';
import { UploadError } from '../../../src/core/errors';
import {
  blobSha256,
  createMemoryStorage,
  createTestEngine,
  patternedFile,
  sha256,
} from '../../helpers/memoryStorage';

function setup() {
  const storage = createMemoryStorage();
  const engine = createTestEngine(storage, {
    mode: 'single',
    retry: { retries: 0 },
  });
  return { storage, engine };
}

it('retry() after a failed complete completes the stored object and sends no byte again', async () => {
  const { storage, engine } = setup();
  const complete = storage.backend.complete.bind(storage.backend);
  let down = true;
  storage.backend.complete = (input, ctx) =>
    down
      ? Promise.reject(new UploadError('backend-error', 'The app server is down.', { status: 503 }))
      : complete(input, ctx);
  const file = patternedFile(3000, 'report.pdf', 'application/pdf');
  const [id] = engine.add([file]);
  await vi.waitFor(() => expect(engine.store.getState().items[0]?.status).toBe('error'));
  expect(storage.puts).toHaveLength(1);

  down = false;
  engine.retry(id);
  await vi.waitFor(() => expect(engine.store.getState().items[0]?.status).toBe('done'));
  const item = engine.store.getState().items[0]!;
  expect(storage.puts).toHaveLength(1);
  expect(storage.calls.filter((call) => call === 'presign')).toHaveLength(1);
  expect(storage.objects.size).toBe(1);
  expect(sha256(storage.objects.get(item.key!)!)).toBe(await blobSha256(file));
});

it('retry() after complete found no object sends the file again', async () => {
  const { storage, engine } = setup();
  const complete = storage.backend.complete.bind(storage.backend);
  let lost = true;
  storage.backend.complete = (input, ctx) => {
    // The object vanished before complete (a lifecycle rule, an operator): 404.
    if (lost) storage.objects.delete(input.key);
    return complete(input, ctx);
  };
  const [id] = engine.add([patternedFile(3000, 'gone.bin')]);
  await vi.waitFor(() => expect(engine.store.getState().items[0]?.error?.status).toBe(404));
  lost = false;
  engine.retry(id);
  await vi.waitFor(() => expect(engine.store.getState().items[0]?.status).toBe('done'));
  expect(storage.puts).toHaveLength(2);
});
