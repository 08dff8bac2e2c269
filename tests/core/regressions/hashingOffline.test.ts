import { createHash } from 'node:crypto';
import { expect, it, vi } from 'vitest';
import {
  bytesOf,
  createMemoryStorage,
  createTestEngine,
  patternedFile,
  recordPresigns,
} from '../../helpers/memoryStorage';

// Hashing is a chunk the engine fetches with the first file to hash. Offline with that chunk not
// cached, its import fails: the file must wait and retry like any network failure (never upload
// unhashed, never fail for good), and the next attempt must fetch the chunk again.
let fetches = 0;
vi.mock('../../../src/core/sha256', async (importOriginal) => {
  // The first fetch fails; the connection is back for the next.
  if (fetches++ === 0) throw new Error('Failed to fetch dynamically imported module');
  return importOriginal();
});

it('retries a file whose hashing chunk could not be fetched, then signs its checksum', async () => {
  const storage = createMemoryStorage();
  const asked = recordPresigns(storage);
  const engine = createTestEngine(storage, { retry: { baseDelayMs: 1, maxDelayMs: 1 } });
  const file = patternedFile(5000, 'a.bin');

  const [item] = await engine.upload([file]);

  expect(item?.error?.message).toBeUndefined();
  expect(item?.status).toBe('done');
  expect(fetches).toBe(2);
  const expected = createHash('sha256')
    .update(await bytesOf(file))
    .digest('base64');
  expect(asked).toEqual([{ checksum: expected }]);
});
