/** The one checksum algorithm the client computes: S3's `x-amz-checksum-sha256`. */
export type ChecksumAlgorithm = 'SHA256';

/**
 * Whether this page can hash: Web Crypto's `subtle` exists only in secure contexts (https, and
 * http on localhost).
 */
export function canChecksum(): boolean {
  return typeof globalThis.crypto?.subtle?.digest === 'function';
}
