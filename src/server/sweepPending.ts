import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';

/** Options of {@link sweepPending}. */
export interface SweepPendingOptions {
  /** The handler's S3 client (it needs `s3:ListBucket` and `s3:ListBucketMultipartUploads`). */
  s3: S3Client;
  /** The handler's bucket. */
  bucket: string;
  /**
   * The handler's `pendingPrefix`.
   * @default 'pending/'
   */
  pendingPrefix?: string;
  /**
   * Age past which a pending object or multipart upload is abandoned, in ms. Keep it above the
   * upload token's lifetime for multipart uploads that may still resume.
   * @default 7 days
   */
  olderThanMs?: number;
  /**
   * Most listing pages read per kind (1,000 entries a page), so one sweep is bounded.
   * @default 100
   */
  maxPages?: number;
  /** @default Date.now */
  now?: () => number;
}

/** What one sweep removed. */
export interface SweepResult {
  deletedObjects: number;
  abortedUploads: number;
}

/**
 * Deletes pending objects and aborts multipart uploads under the pending prefix that are older
 * than `olderThanMs`: uploads that were never completed. For stores without lifecycle rules
 * (MinIO ignores `AbortIncompleteMultipartUpload`); run it on a timer. Safe to run on several
 * instances at once.
 */
export async function sweepPending(options: SweepPendingOptions): Promise<SweepResult> {
  const { s3, bucket } = options;
  const prefix = options.pendingPrefix ?? 'pending/';
  const cutoff = (options.now ?? Date.now)() - (options.olderThanMs ?? 7 * 24 * 3600 * 1000);
  const maxPages = options.maxPages ?? 100;
  const result: SweepResult = { deletedObjects: 0, abortedUploads: 0 };

  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    const stale = (listed.Contents ?? []).filter(
      (object) => object.Key && object.LastModified && object.LastModified.getTime() < cutoff,
    );
    if (stale.length > 0) {
      const deleted = await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: stale.map((object) => ({ Key: object.Key })), Quiet: true },
        }),
      );
      // Quiet: only failures are listed.
      result.deletedObjects += stale.length - (deleted.Errors?.length ?? 0);
    }
    token = listed.NextContinuationToken;
    if (!listed.IsTruncated || !token) break;
  }

  // S3 lists the uploads under a prefix; MinIO lists only those of one exact key under a
  // prefix, so when the prefix finds none, the whole bucket's uploads are listed and filtered.
  let aborted = await abortStale(s3, bucket, prefix, cutoff, maxPages, true);
  if (aborted === undefined) aborted = (await abortStale(s3, bucket, prefix, cutoff, maxPages, false)) ?? 0;
  result.abortedUploads = aborted;
  return result;
}

/** Aborts stale multipart uploads under `prefix`; `undefined` when the listing found none at all. */
async function abortStale(
  s3: S3Client,
  bucket: string,
  prefix: string,
  cutoff: number,
  maxPages: number,
  byPrefix: boolean,
): Promise<number | undefined> {
  let seen = 0;
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const listed = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        ...(byPrefix ? { Prefix: prefix } : {}),
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const { Key: key, UploadId: uploadId, Initiated: initiated } of listed.Uploads ?? []) {
      if (!key?.startsWith(prefix) || !uploadId) continue;
      seen++;
      if (!initiated || initiated.getTime() >= cutoff) continue;
      try {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
        aborted++;
      } catch (error) {
        // Completed or aborted meanwhile, by a user or another sweeper: not ours to count.
        if ((error as { name?: string }).name !== 'NoSuchUpload') throw error;
      }
    }
    keyMarker = listed.NextKeyMarker;
    uploadIdMarker = listed.NextUploadIdMarker;
    if (!listed.IsTruncated) break;
  }
  return seen === 0 ? undefined : aborted;
}
