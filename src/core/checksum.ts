/** The one checksum algorithm the client computes: S3's `x-amz-checksum-sha256`. */
export type ChecksumAlgorithm = 'SHA256';

/**
 * Whether this page can hash: Web Crypto's `subtle` exists only in secure contexts (https, and
 * http on localhost).
 */
export function canChecksum(): boolean {
  return typeof globalThis.crypto?.subtle?.digest === 'function';
}

// Runs in a Worker made from this text: reading a part and hashing it there keeps the page's
// main thread free (Chromium's digest of 8 MiB on the main thread is a 60-80 ms task).
export const WORKER_SOURCE = `
const toBase64 = (digest) => btoa(String.fromCharCode(...new Uint8Array(digest)));
onmessage = async ({ data: { id, blob } }) => {
  try {
    postMessage({ id, checksum: toBase64(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())) });
  } catch (error) {
    postMessage({ id, error: String(error) });
  }
};`;

type Pending = { resolve: (checksum: string) => void; reject: (error: Error) => void };

let worker: { post(blob: Blob): Promise<string> } | null | undefined;

/** One shared hashing worker, or `null` where workers cannot be made (no Worker, strict CSP). */
function hashingWorker(): typeof worker {
  if (worker !== undefined) return worker;
  worker = null;
  if (typeof Worker !== 'function' || typeof URL.createObjectURL !== 'function') return worker;
  try {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    const thread = new Worker(url);
    URL.revokeObjectURL(url);
    const pending = new Map<number, Pending>();
    let next = 0;
    thread.onmessage = ({ data }: MessageEvent<{ id: number; checksum?: string; error?: string }>) => {
      const waiting = pending.get(data.id);
      pending.delete(data.id);
      if (data.checksum !== undefined) waiting?.resolve(data.checksum);
      else waiting?.reject(new Error(data.error ?? 'The file could not be hashed.'));
    };
    // A worker that fails to start (CSP) fails every request; fall back to the main thread.
    thread.onerror = () => {
      worker = null;
      for (const waiting of pending.values()) waiting.reject(new Error('hashing worker failed'));
      pending.clear();
      thread.terminate();
    };
    worker = {
      post(blob) {
        const id = next++;
        return new Promise<string>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          thread.postMessage({ id, blob });
        });
      },
    };
  } catch {
    worker = null;
  }
  return worker;
}

/**
 * The base64 SHA-256 of a blob, as S3 expects it in `x-amz-checksum-sha256`: in a shared Web
 * Worker where one can be made, else with Web Crypto on this thread.
 */
export async function sha256Base64(blob: Blob): Promise<string> {
  const thread = hashingWorker();
  if (thread) {
    try {
      return await thread.post(blob);
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
