import { sha256Hex } from './samples.js';
import type { ConformanceStorage } from './types.js';

/** What the rules ask of storage, when they are given access to it. */
export interface StorageReader {
  bucket: string;
  /** SHA-256 (hex) of the object at `key`, or `undefined` when there is none. */
  sha256(key: string): Promise<string | undefined>;
  /** Whether an object is at `key`. */
  exists(key: string): Promise<boolean>;
  /** `Content-Type` storage serves the object at `key` with, or `undefined` without an object. */
  contentType(key: string): Promise<string | undefined>;
  /** How many parts one ListParts page holds for this upload, and whether more pages follow. */
  firstPartsPage(key: string, uploadId: string): Promise<{ parts: number; truncated: boolean }>;
  /** Writes one part of an open multipart upload directly (the paging rule). */
  uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<void>;
  /** The object key a presigned URL of this bucket writes to (path-style or virtual-hosted). */
  keyOfUrl(url: string): string | undefined;
}

const statusOf = (error: unknown) =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;

/**
 * Storage access over the caller's S3 client. The SDK is loaded here, on first use, so the kit
 * runs without it when no storage is given.
 */
export async function createStorageReader({ s3, bucket }: ConformanceStorage): Promise<StorageReader> {
  const { GetObjectCommand, HeadObjectCommand, ListPartsCommand, UploadPartCommand } =
    await import('@aws-sdk/client-s3');
  const head = async (key: string) => {
    try {
      return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  };
  return {
    bucket,
    async sha256(key) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return await sha256Hex(object.Body ? await object.Body.transformToByteArray() : new Uint8Array(0));
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    exists: async (key) => (await head(key)) !== undefined,
    contentType: async (key) => (await head(key))?.ContentType,
    async firstPartsPage(key, uploadId) {
      const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
      return { parts: listed.Parts?.length ?? 0, truncated: listed.IsTruncated === true };
    },
    async uploadPart(key, uploadId, partNumber, body) {
      await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: body,
        }),
      );
    },
    keyOfUrl(url) {
      const parsed = new URL(url);
      const segments = parsed.pathname.split('/').slice(1).map(decodeURIComponent);
      if (parsed.hostname.startsWith(`${bucket}.`)) return segments.join('/');
      return segments[0] === bucket ? segments.slice(1).join('/') : undefined;
    },
  };
}
