import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  bytesOf,
  createMemoryStorage,
  createTestEngine,
  patternedFile,
  recordPresigns,
} from '../helpers/memoryStorage';

it("hashes a single upload's file once and asks presign to sign the checksum; checksum: false does not", async () => {
  for (const checksum of [true, false]) {
    const storage = createMemoryStorage();
    const asked = recordPresigns(storage);
    const engine = createTestEngine(storage, { checksum });
    const file = patternedFile(5000, 'a.bin');
    const [item] = await engine.upload([file]);
    expect(item?.status).toBe('done');
    const expected = createHash('sha256')
      .update(await bytesOf(file))
      .digest('base64');
    expect(asked).toEqual([checksum ? { checksum: expected } : {}]);
  }
});
