import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/** Where a local S3-compatible store listens, and its keys. */
export interface LocalStore {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * An S3 client for a local store (MinIO, s3rver), configured as docs/backend.md says: path-style
 * addressing, and no default checksums (which real S3 and MinIO refuse on presigned PUTs).
 */
export function s3ClientFor(store: LocalStore, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: store.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  });
}
