import type { Encryption } from './config.js';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { HttpError } from './httpError.js';
import { changedMeanwhile, storageStatus } from './verifyObject.js';

const GiB = 1024 * 1024 * 1024;

/** How a verified pending object becomes the final one. */
export interface PromoteOptions {
  s3: S3Client;
  bucket: string;
  from: string;
  to: string;
  /** ETag of the bytes that were verified: any other bytes are refused. */
  etag: string;
  size: number;
  contentType: string;
  contentDisposition: string;
  /** Bytes per UploadPartCopy; S3 allows 5 MiB to 5 GiB. Tests lower it. */
  copyPartSize?: number;
  /** Server-side encryption of the final object (a copy is encrypted only if asked). */
  encryption?: Encryption['params'];
}

/** What promotion found. */
export type PromoteResult = 'promoted' | 'exists';

const storageFailed = () =>
  new HttpError(502, 'storage-error', 'Storage did not accept the request. Try again in a moment.');

function isNotImplemented(error: unknown): boolean {
  return storageStatus(error) === 501 || (error as { name?: string }).name === 'NotImplemented';
}

/**
 * Copies verified bytes from the pending key to the final key, with metadata the server chose
 * and nothing the uploader sent (no tags, cache headers, user metadata or storage class), and
 * only if the final key is still free.
 *
 * The copy is a multipart upload of UploadPartCopy parts, because its CompleteMultipartUpload
 * honours `If-None-Match: *` on S3 and MinIO alike (MinIO ignores it on CopyObject): the first
 * completion wins and nothing replaces a promoted object. Stores without UploadPartCopy (the
 * s3rver demo store) get a CopyObject after a HeadObject check, which is not atomic across
 * server instances.
 */
export async function promoteObject(options: PromoteOptions): Promise<PromoteResult> {
  if (withoutPartCopy.has(options.s3)) return plainCopy(options);
  try {
    return await multipartCopy(options);
  } catch (error) {
    if (!isNotImplemented(error)) throw error;
    withoutPartCopy.add(options.s3);
    return plainCopy(options);
  }
}

// Clients whose store answered UploadPartCopy with 501: asked once, not on every completion.
const withoutPartCopy = new WeakSet<S3Client>();

async function multipartCopy(options: PromoteOptions): Promise<PromoteResult> {
  const { s3, bucket, from, to, etag, size } = options;
  const created = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: to,
      ContentType: options.contentType,
      ContentDisposition: options.contentDisposition,
      ...options.encryption,
    }),
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw storageFailed();
  const abort = () =>
    s3
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId: uploadId }))
      .catch(() => undefined);
  try {
    // S3: at most 10,000 parts of at most 5 GiB; a 5 TiB object needs parts of 525 MiB or more.
    const partSize = Math.max(options.copyPartSize ?? 5 * GiB, Math.ceil(size / 10_000));
    const count = Math.max(1, Math.ceil(size / partSize));
    const parts: Array<{ PartNumber: number; ETag: string | undefined }> = [];
    // A few copies at a time: each is a server-side copy of up to 5 GiB.
    for (let first = 1; first <= count; first += 4) {
      const batch = Array.from({ length: Math.min(4, count - first + 1) }, (_, i) => first + i);
      const copied = await Promise.all(
        batch.map(async (partNumber) => {
          const start = (partNumber - 1) * partSize;
          const end = Math.min(size, start + partSize) - 1;
          const result = await s3.send(
            new UploadPartCopyCommand({
              Bucket: bucket,
              Key: to,
              UploadId: uploadId,
              PartNumber: partNumber,
              CopySource: copySource(bucket, from),
              CopySourceIfMatch: etag,
              // A 0-byte object has no range to name: copy it whole.
              ...(size === 0 ? {} : { CopySourceRange: `bytes=${start}-${end}` }),
            }),
          );
          return { PartNumber: partNumber, ETag: result.CopyPartResult?.ETag };
        }),
      );
      parts.push(...copied);
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: to,
        UploadId: uploadId,
        IfNoneMatch: '*',
        MultipartUpload: { Parts: parts },
      }),
    );
    return 'promoted';
  } catch (error) {
    await abort();
    const status = storageStatus(error);
    // 412 on the copy: the pending bytes are not the ones verified. On complete: the final key
    // is taken, by an earlier or concurrent completion.
    if (status === 412 || status === 409) {
      if (await objectExists(s3, bucket, to)) return 'exists';
      throw changedMeanwhile();
    }
    if (isNotImplemented(error)) throw error;
    throw storageFailed();
  }
}

async function plainCopy(options: PromoteOptions): Promise<PromoteResult> {
  const { s3, bucket, from, to, etag } = options;
  if (await objectExists(s3, bucket, to)) return 'exists';
  try {
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: to,
        CopySource: copySource(bucket, from),
        CopySourceIfMatch: etag,
        IfNoneMatch: '*',
        MetadataDirective: 'REPLACE',
        TaggingDirective: 'REPLACE',
        Tagging: '',
        ContentType: options.contentType,
        ContentDisposition: options.contentDisposition,
        ...options.encryption,
      }),
    );
    return 'promoted';
  } catch (error) {
    if (storageStatus(error) === 412) {
      if (await objectExists(s3, bucket, to)) return 'exists';
      throw changedMeanwhile();
    }
    throw storageFailed();
  }
}

/** Whether an object is at `key`. */
export async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (storageStatus(error) === 404) return false;
    throw storageFailed();
  }
}

/** `x-amz-copy-source`: bucket and key, the key URL-encoded segment by segment. */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
