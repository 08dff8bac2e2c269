import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, expect, inject, it } from 'vitest';
import { sweepPending } from '../../src/server/index';
import { keysUnder, testS3 } from './s3';

const { bucket } = inject('minio');
const s3 = testS3();
afterAll(() => s3.destroy());

async function openUploads(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  return (listed.Uploads ?? []).map((upload) => upload.Key!).sort();
}

it('deletes pending objects and aborts pending multipart uploads older than the limit, and nothing else', async () => {
  const prefix = `sweep-${crypto.randomUUID()}/`;
  const pendingPrefix = `${prefix}pending/`;
  for (const key of [`${pendingPrefix}a.png`, `${pendingPrefix}b.png`, `${prefix}uploads/kept.png`]) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
  }
  await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${pendingPrefix}c.mp4` }));

  // Nothing is old yet: the sweep leaves everything.
  expect(await sweepPending({ s3, bucket, pendingPrefix, olderThanMs: 60_000 })).toEqual({
    deletedObjects: 0,
    abortedUploads: 0,
  });
  expect(await keysUnder(s3, bucket, pendingPrefix)).toHaveLength(2);

  // An hour later, the pending ones are abandoned; the verified object stays.
  const later = () => Date.now() + 3600_000;
  expect(await sweepPending({ s3, bucket, pendingPrefix, olderThanMs: 60_000, now: later })).toEqual({
    deletedObjects: 2,
    abortedUploads: 1,
  });
  expect(await keysUnder(s3, bucket, prefix)).toEqual([`${prefix}uploads/kept.png`]);
  expect(await openUploads(pendingPrefix)).toEqual([]);
});
