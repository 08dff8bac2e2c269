// The parts of a multipart upload: apart from chunkPlan.ts, which every page loads to choose
// between one PUT and multipart, because only the multipart chunk plans parts.
import { S3_LIMITS } from './chunkPlan.js';

/** One part of a multipart upload: bytes `[start, end)` of the file. */
export interface PartSpec {
  partNumber: number;
  start: number;
  end: number;
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
