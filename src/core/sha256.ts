// Hashing for S3's `x-amz-checksum-sha256`: a chunk of its own, loaded with the first file to hash.
import { blobWorker } from './blobWorker.js';

// Reading a part and hashing it in a worker keeps the page's main thread free (Chromium's
// digest of 8 MiB on the main thread is a 60-80 ms task).
export const HASHING_SOURCE = `
const toBase64 = (digest) => btoa(String.fromCharCode(...new Uint8Array(digest)));
onmessage = async ({ data: { id, blob } }) => {
  try {
    postMessage({ id, result: toBase64(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())) });
  } catch (error) {
    postMessage({ id, error: String(error) });
  }
};`;
const hashing = blobWorker<{ blob: Blob }, string>(HASHING_SOURCE);

/**
 * The base64 SHA-256 of a blob, as S3 expects it in `x-amz-checksum-sha256`: in a shared Web
 * Worker where one can be made, else with Web Crypto on this thread.
 */
export async function sha256Base64(blob: Blob): Promise<string> {
  const thread = hashing();
  if (thread) {
    try {
      return await thread({ blob });
    } catch {
      // The worker could not start or read the blob: hash here instead.
    }
  }
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
