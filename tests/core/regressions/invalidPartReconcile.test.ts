// Issue 10: a 400 InvalidPart on complete was final: the file failed, and retry() failed the
// same way. Now the client lists the parts storage holds, keeps those that still match what it
// sent, sends the others again, and completes.
import { expect, it } from 'vitest';
import { UploadError } from '../../../src/core/errors';
import {
  blobSha256,
  createMemoryStorage,
  createTestEngine,
  patternedFile,
  sha256,
} from '../../helpers/memoryStorage';

const MiB = 1024 * 1024;

it('invalid-part on complete: lists the parts, sends only the lost one again, completes', async () => {
  const storage = createMemoryStorage();
  const engine = createTestEngine(storage, {
    mode: 'multipart',
    partSize: 5 * MiB,
    retry: { retries: 0 },
  });
  const complete = storage.backend.completeMultipart.bind(storage.backend);
  let first = true;
  storage.backend.completeMultipart = (input, ctx) => {
    if (!first) return complete(input, ctx);
    first = false;
    // Part 2 was lost on storage's side after its PUT succeeded.
    storage.uploads.get(input.uploadId)?.parts.delete(2);
    return Promise.reject(
      new UploadError('backend-error', 'Storage refused the parts.', {
        status: 400,
        serverCode: 'invalid-part',
      }),
    );
  };
  const file = patternedFile(12 * MiB, 'lost-part.bin');
  const [item] = await engine.upload([file]);
  expect(item?.status).toBe('done');
  expect(storage.calls).toContain('listParts');
  const partPuts = storage.puts.map((url) => new URL(url).searchParams.get('partNumber'));
  expect(partPuts.sort()).toEqual(['1', '2', '2', '3']);
  expect(sha256(storage.objects.get(item!.key!)!)).toBe(await blobSha256(file));
});
