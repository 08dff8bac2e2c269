import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/server/index';
import {
  bucket,
  completeBody,
  elf,
  file,
  handlerFor,
  objectSha256,
  png,
  presignAndPut,
  put,
  s3,
  sha256,
  type Harness,
} from './harness';

// Spec R: `resign` (a new URL for a URL that expired) earns a new key, as a plain presign does. A
// key is never signed for a second PUT: reusing keys let a refused upload be tried with other
// bytes, and a completed key (or one the app deleted since) be refilled, whenever the server had
// forgotten the upload's outcome (a restart, another instance, an evicted entry).

/** presign with `resign`: the new answer. */
async function resign(
  h: Harness,
  descriptor: ReturnType<typeof file>,
  earlier: { key: string; token: string },
) {
  const again = await h.call('presign', {
    file: descriptor,
    resign: { key: earlier.key, token: earlier.token },
  });
  expect(again.status, JSON.stringify(again.body)).toBe(200);
  return again.body as { key: string; token: string; url: string; headers: Record<string, string> };
}

/** A PNG presigned, PUT and completed: its descriptor, bytes and presign answer. */
async function completed(h: Harness, seed: number) {
  const bytes = png(2000, seed);
  const descriptor = file(bytes.length);
  const { presigned } = await presignAndPut(h, descriptor, bytes);
  expect((await h.call('complete', completeBody(presigned, descriptor))).status).toBe(200);
  return { bytes, descriptor, presigned };
}

describe('R. resign never reopens a settled key', () => {
  it('an upload whose URL expired before its PUT: a new key; the file completes once there', async () => {
    let clock = Date.now();
    const h = handlerFor({ now: () => clock });
    const bytes = png();
    const descriptor = file(bytes.length);
    const first = await h.call('presign', { file: descriptor });
    clock += 20 * 60_000; // the 15-minute URL expired before the PUT
    const again = await resign(h, descriptor, first.body);
    expect(again.key).not.toBe(first.body.key);
    expect((await put(again.url, bytes, again.headers)).status).toBe(200);
    const done = await h.call('complete', completeBody(again, descriptor));
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(h.completions.map((c) => c.key)).toEqual([again.key]);
    expect(await h.stored()).toEqual([again.key]);
  });

  it('a completed key the app deleted, resigned by a server that forgot the upload (a restart): a new key', async () => {
    const h = handlerFor();
    const { descriptor, presigned } = await completed(h, 8);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: presigned.key }));
    const restarted = handlerFor(); // same secret, an empty completion store
    const again = await restarted.call(
      'presign',
      { file: descriptor, resign: { key: presigned.key, token: presigned.token } },
      { user: h.user },
    );
    expect(again.status).toBe(200);
    expect(again.body.key).not.toBe(presigned.key);
  });

  it('bytes refused by verification (an ELF as PNG): resign earns a new key; the refused key stays empty', async () => {
    const h = handlerFor();
    const descriptor = file(2000);
    const { presigned } = await presignAndPut(h, descriptor, elf(2000));
    const refused = await h.call('complete', completeBody(presigned, descriptor));
    expect(refused.status).toBe(415);
    const again = await resign(h, descriptor, presigned);
    expect(again.key, 'the refused key is not signed again').not.toBe(presigned.key);
    // The client carries on with the new key, as after any presign: a good file completes there.
    const bytes = png(2000);
    expect((await put(again.url, bytes, again.headers)).status).toBe(200);
    expect((await h.call('complete', completeBody(again, descriptor))).status).toBe(200);
    expect(await h.stored()).toEqual([again.key]);
    expect(await objectSha256(s3, bucket, again.key)).toBe(sha256(bytes));
  });

  it('a file the app refused in onComplete (HttpError 422): resign earns a new key; onComplete never sees the old key again', async () => {
    let refuse = true;
    const h = handlerFor(
      {},
      {
        appCheck: () => {
          if (refuse) throw new HttpError(422, 'content-mismatch', 'Malware found.');
        },
      },
    );
    const bytes = png(2000, 4);
    const descriptor = file(bytes.length);
    const { presigned } = await presignAndPut(h, descriptor, bytes);
    expect((await h.call('complete', completeBody(presigned, descriptor))).status).toBe(422);
    refuse = false; // a scanner that answers differently the second time
    const again = await resign(h, descriptor, presigned);
    expect(again.key).not.toBe(presigned.key);
    expect((await put(again.url, bytes, again.headers)).status).toBe(200);
    expect((await h.call('complete', completeBody(again, descriptor))).status).toBe(200);
    expect(h.completions.map((c) => c.key)).toEqual([presigned.key, again.key]);
    expect(await h.stored()).toEqual([again.key]);
  });

  it('a completed key: resign earns a new key; the verified object keeps its bytes', async () => {
    const h = handlerFor();
    const { bytes, descriptor, presigned } = await completed(h, 5);
    const again = await resign(h, descriptor, presigned);
    expect(again.key).not.toBe(presigned.key);
    expect(await objectSha256(s3, bucket, presigned.key)).toBe(sha256(bytes));
    expect(h.completions).toHaveLength(1);
  });

  it('a completed key the app has since deleted: resign earns a new key; the old key is never refilled', async () => {
    const h = handlerFor();
    const { descriptor, presigned } = await completed(h, 6);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: presigned.key }));
    const again = await resign(h, descriptor, presigned);
    expect(again.key).not.toBe(presigned.key);
    const other = png(2000, 66);
    expect((await put(again.url, other, again.headers)).status).toBe(200);
    expect((await h.call('complete', completeBody(again, descriptor))).status).toBe(200);
    expect(await objectSha256(s3, bucket, presigned.key), 'the deleted key stays empty').toBeUndefined();
    expect(h.completions.map((c) => c.key)).toEqual([presigned.key, again.key]);
  });

  it('an object already at the key (another instance completed it, its answer not shared): a new key', async () => {
    const h = handlerFor();
    const bytes = png(2000, 7);
    const descriptor = file(bytes.length);
    const { presigned } = await presignAndPut(h, descriptor, bytes);
    // Completed by an instance with its own memory store: this one remembers nothing of it.
    const elsewhere = handlerFor();
    const answer = await elsewhere.call('complete', completeBody(presigned, descriptor), { user: h.user });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const again = await resign(h, descriptor, presigned);
    expect(again.key).not.toBe(presigned.key);
    expect(await objectSha256(s3, bucket, presigned.key)).toBe(sha256(bytes));
  });

  it('an expired token (older than uploadTokenTtl): a new key', async () => {
    let clock = Date.now();
    const h = handlerFor({ now: () => clock, uploadTokenTtl: 3600 });
    const descriptor = file(2000);
    const first = await h.call('presign', { file: descriptor });
    clock += 2 * 3600_000;
    const again = await resign(h, descriptor, first.body);
    expect(again.key).not.toBe(first.body.key);
  });
});
