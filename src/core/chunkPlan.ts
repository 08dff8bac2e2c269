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

/** One part of a multipart upload: bytes `[start, end)` of the file. */
export interface PartSpec {
  partNumber: number;
  start: number;
  end: number;
}

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

/**
 * Splits a file into parts. A 0-byte file is one empty part, which S3 accepts as the last (and
 * only) part.
 */
export function planParts(fileSize: number, partSize: number): PartSpec[] {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new RangeError(`fileSize must be a non-negative integer, got ${fileSize}`);
  }
  if (partSize < S3_LIMITS.minPartSize || partSize > S3_LIMITS.maxPartSize) {
    throw new RangeError(`partSize must be between 5 MiB and 5 GiB (S3's limits), got ${partSize} bytes`);
  }
  const count = Math.max(1, Math.ceil(fileSize / partSize));
  if (count > S3_LIMITS.maxParts) {
    throw new RangeError(
      `${fileSize} bytes in ${partSize}-byte parts needs ${count} parts; S3 allows 10,000. Use choosePartSize().`,
    );
  }
  const parts: PartSpec[] = [];
  for (let i = 0; i < count; i++) {
    parts.push({
      partNumber: i + 1,
      start: i * partSize,
      end: Math.min(fileSize, (i + 1) * partSize),
    });
  }
  return parts;
}
