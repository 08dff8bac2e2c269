// @vitest-environment node
// Engine overhead, measured against a hand-written baseline in the same process: both send N
// tiny files through the same instant in-memory backend and transport, 6 at a time. The ratio
// is what upkit's state machine, scheduler, store and progress publishing cost per file.
// Run: npm run bench
import { bench, describe } from 'vitest';
import { createUploadEngine } from '../src/core/createUploadEngine';
import type { SingleUploadBackend, Transport } from '../src/core/types';

const backend: SingleUploadBackend<{ key: string }> = {
  presign: async (file) => ({ url: `https://bucket.test/${file.name}`, key: file.name }),
  complete: async ({ key }) => ({ key }),
};
const transport: Transport = async (request) => {
  request.onProgress(request.body.size);
  return { status: 200, etag: '"e"' };
};
const frame = (flush: () => void) => {
  const timer = setTimeout(flush, 16);
  return () => clearTimeout(timer);
};
const files = (n: number) => Array.from({ length: n }, (_, i) => new File([String(i)], `f${i}.txt`));

/**
 * The least a correct uploader must do: presign, PUT, complete, with a concurrency limit, an
 * abort controller per file (to cancel it) and a typed slice of the file (to send the signed type).
 */
async function baseline(list: File[], concurrency: number): Promise<number> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let file = list[next++]; file; file = list[next++]) {
      const controller = new AbortController();
      const body = file.slice(0, file.size, file.type);
      const desc = { name: file.name, size: file.size, type: file.type };
      const { url, key } = await backend.presign(desc, controller);
      const { etag } = await transport({
        url,
        body,
        signal: controller.signal,
        onProgress: () => undefined,
        stallTimeoutMs: 30_000,
      });
      await backend.complete({ key, file: desc, ...(etag ? { etag } : {}) }, controller);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done;
}

async function engine(list: File[]): Promise<number> {
  const uploader = createUploadEngine({
    mode: 'single',
    backend,
    transport,
    resumeStorage: false,
    scheduleFrame: frame,
  });
  const items = await uploader.upload(list);
  return items.filter((item) => item.status === 'done').length;
}

for (const n of [100, 1000]) {
  describe(`${n} files`, () => {
    const list = files(n);
    bench('baseline: presign + PUT + complete in a 6-wide pool', async () => {
      if ((await baseline(list, 6)) !== n) throw new Error('baseline lost files');
    });
    bench('upkit engine', async () => {
      if ((await engine(list)) !== n) throw new Error('engine lost files');
    });
  });
}
