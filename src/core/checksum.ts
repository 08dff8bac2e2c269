/** The one checksum algorithm the client computes: S3's `x-amz-checksum-sha256`. */
export type ChecksumAlgorithm = 'SHA256';

/**
 * Whether this page can hash: Web Crypto's `subtle` exists only in secure contexts (https, and
 * http on localhost).
 */
export function canChecksum(): boolean {
  return typeof globalThis.crypto?.subtle?.digest === 'function';
}

/**
 * The base64 SHA-256 of a blob, as S3 expects it in `x-amz-checksum-sha256`. Web Crypto hashes
 * off the main thread, and reading the blob is asynchronous, so a part costs no long task.
 */
export async function sha256Base64(blob: Blob): Promise<string> {
  // A view made here: an ArrayBuffer from another realm (jsdom's FileReader) is refused as is.
  const bytes = new Uint8Array(await bytesOf(blob));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A blob's bytes; through FileReader where `Blob#arrayBuffer` is missing (jsdom, in app tests). */
function bytesOf(blob: Blob): Promise<ArrayBuffer> {
  if (typeof blob.arrayBuffer === 'function') return blob.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsArrayBuffer(blob);
  });
}
