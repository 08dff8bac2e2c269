import { createHash } from 'node:crypto';
import { afterEach, expect, it, vi } from 'vitest';

// Hashing and previews run in a blob: worker. Where a CSP refuses it, the worker fails with an
// error event after the first messages were posted: those must be done on the page instead, and
// later calls go straight there.

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

/** A Worker a CSP refuses: it fails asynchronously with an error event, never answering. */
function refusedWorker() {
  const made: unknown[] = [];
  vi.stubGlobal(
    'Worker',
    class {
      onmessage: ((event: MessageEvent) => void) | null = null;
      onerror: ((event: Event) => void) | null = null;
      constructor() {
        made.push(this);
        setTimeout(() => this.onerror?.(new Event('error')));
      }
      postMessage() {}
      terminate() {}
    },
  );
  if (typeof URL.createObjectURL !== 'function') {
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: () => {} }));
  }
  return made;
}

it('hashes on the page when the worker is refused, now and later', async () => {
  const made = refusedWorker();
  const { sha256Base64 } = await import('../../../src/core/sha256');
  const bytes = new Uint8Array([1, 2, 3]);
  const expected = createHash('sha256').update(bytes).digest('base64');
  expect(await sha256Base64(new Blob([bytes]))).toBe(expected);
  expect(await sha256Base64(new Blob([bytes]))).toBe(expected);
  expect(made).toHaveLength(1);
});

it('decodes a preview on the page when the worker is refused, the one in flight too', async () => {
  const made = refusedWorker();
  const bitmap = { width: 10, height: 10, close() {} };
  const decodeHere = vi.fn(async () => bitmap);
  vi.stubGlobal('createImageBitmap', decodeHere);
  const { decode } = await import('../../../src/styled/thumbnailDecode');
  const image = new Blob(['x'], { type: 'image/png' });
  expect(await decode(image)).toBe(bitmap);
  expect(await decode(image)).toBe(bitmap);
  expect(decodeHere).toHaveBeenCalledTimes(2);
  expect(made).toHaveLength(1);
});
