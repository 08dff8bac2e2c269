import { UploadError } from './errors.js';

const MiB = 1024 * 1024;

/** S3 multipart limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html). */
export const S3_LIMITS = {
  /** Every part but the last must be at least this big. */
  minPartSize: 5 * MiB,
  maxPartSize: 5 * 1024 * MiB,
  maxParts: 10_000,
  /** Largest object multipart can build: 5 TiB. */
  maxObjectSize: 5 * 1024 * 1024 * MiB,
} as const;

/** Preferred part size, 8 MiB: few enough requests to be fast, small enough that a retry is cheap. */
export const DEFAULT_PART_SIZE = 8 * MiB;

/**
 * The part size for a file: the preferred size, raised to S3's 5 MiB minimum, and grown (in whole
 * MiB) when the file would otherwise need more than 10,000 parts.
 */
export function choosePartSize(fileSize: number, preferred = DEFAULT_PART_SIZE): number {
  if (fileSize > S3_LIMITS.maxObjectSize) {
    throw new UploadError(
      'file-too-large',
      `This file is ${fileSize} bytes; S3 multipart uploads hold at most 5 TiB. Split the file before uploading.`,
    );
  }
  const floor = Math.max(preferred, S3_LIMITS.minPartSize);
  const needed = Math.ceil(fileSize / S3_LIMITS.maxParts);
  const size = Math.max(floor, Math.ceil(needed / MiB) * MiB);
  return Math.min(size, S3_LIMITS.maxPartSize);
}
