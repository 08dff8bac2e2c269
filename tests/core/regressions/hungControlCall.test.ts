// Regression test from the engine review of 2026-11-29; the comments describe the bug as it was.
import { expect, it } from 'vitest';
import { createUploadEngine } from '../../../src/core/createUploadEngine';
import type { FileDescriptor, PresignResult } from '../../../src/core/types';
import { createMemoryStorage, type StoredResult } from '../../helpers/memoryStorage';

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p.then(() => 'settled'), new Promise((r) => setTimeout(() => r('hung'), ms))]);

// PUTs are raced against the signal (settleOnAbort in put()), so "a custom transport that ignores
// its signal must not keep cancel waiting". Control calls are not: singleUpload.ts calls presign
// inside a data slot, and controlOnce() runs every other call in a control slot, with nothing
// racing them against the signal. A backend call that never answers (a custom backend, or
// httpBackend's getHeaders() which is awaited outside its timeout) keeps its slot for ever, even
// after cancel, and cancel() itself never resolves.
function setup() {
  const storage = createMemoryStorage();
  let first = true;
  const backend = {
    ...storage.backend,
    presign(file: FileDescriptor, ctx: { signal: AbortSignal }): Promise<PresignResult> {
      if (first) {
        first = false;
        return new Promise(() => undefined); // never answers, ignores ctx.signal
      }
      return storage.backend.presign(file, ctx);
    },
  };
  return createUploadEngine<StoredResult>({
    backend,
    transport: storage.transport,
    mode: 'single',
    concurrency: 2, // one data slot
    resumeStorage: false,
    retry: { retries: 0 },
  });
}

it("cancel() resolves although the canceled file's presign never answers", async () => {
  const engine = setup();
  const [stuck] = engine.add([new File([new Uint8Array(10)], 'stuck.bin')]);
  await new Promise((r) => setTimeout(r, 10));
  expect(await within(engine.cancel(stuck), 300)).toBe('settled');
});

it('a canceled file does not keep its data slot: the next upload runs', async () => {
  const engine = setup();
  const [stuck] = engine.add([new File([new Uint8Array(10)], 'stuck.bin')]);
  await new Promise((r) => setTimeout(r, 10));
  void engine.cancel(stuck);
  expect(await within(engine.upload([new File([new Uint8Array(10)], 'next.bin')]), 500)).toBe('settled');
});

// httpBackend.ts line 123: getHeaders() is awaited before the timeout timer and the abort link
// are set up, so a token refresh that hangs (offline, a stuck auth popup) ignores both.
it('httpBackend: a hanging getHeaders() is covered by timeoutMs and by the signal', async () => {
  const { httpBackend } = await import('../../../src/backends/httpBackend');
  const backend = httpBackend({
    baseUrl: 'https://api.test/upload',
    timeoutMs: 50,
    getHeaders: () => new Promise(() => undefined),
    fetch: () => Promise.reject(new TypeError('fetch failed')),
  });
  const controller = new AbortController();
  const call = backend.presign({ name: 'a', size: 1, type: '' }, { signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  expect(
    await within(
      call.catch(() => undefined),
      300,
    ),
  ).toBe('settled');
});
