import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';

/** Options of {@link sweepPending}. */
export interface SweepPendingOptions {
  s3: S3Client;
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
      await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: stale.map((object) => ({ Key: object.Key })), Quiet: true },
        }),
      );
      result.deletedObjects += stale.length;
    }
    token = listed.NextContinuationToken;
    if (!listed.IsTruncated || !token) break;
  }

  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const listed = await s3.send(
      // No Prefix: MinIO lists only the uploads of one exact key under a prefix. Filtered below.
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const upload of listed.Uploads ?? []) {
      const { Key: key, UploadId: uploadId, Initiated: initiated } = upload;
      if (!key?.startsWith(prefix) || !uploadId || !initiated || initiated.getTime() >= cutoff) continue;
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .catch((error: { name?: string }) => {
          // Completed or aborted meanwhile, by a user or another sweeper.
          if (error.name !== 'NoSuchUpload') throw error;
        });
      result.abortedUploads++;
    }
    keyMarker = listed.NextKeyMarker;
    uploadIdMarker = listed.NextUploadIdMarker;
    if (!listed.IsTruncated) break;
  }
  return result;
}
