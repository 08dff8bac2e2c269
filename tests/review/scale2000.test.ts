import { expect, it } from 'vitest';
import { createUploadEngine } from '../../src/core/createUploadEngine';
import { createMemoryStorage, type StoredResult } from '../helpers/memoryStorage';

// Measurement only (no timing assertion): wall time of engine.upload for N tiny files.
async function measure(n: number) {
  const storage = createMemoryStorage();
  const engine = createUploadEngine<StoredResult>({
    backend: storage.backend,
    transport: storage.transport,
    mode: 'single',
    resumeStorage: false,
    scheduleFrame: (flush) => {
      const t = setTimeout(flush, 0);
      return () => clearTimeout(t);
    },
  });
  let notifications = 0;
  engine.store.subscribe(() => notifications++);
  const files = Array.from({ length: n }, (_, i) => new File([new Uint8Array(10)], `f${i}.bin`));
  const t0 = performance.now();
  const items = await engine.upload(files);
  const ms = performance.now() - t0;
  expect(items.every((i) => i.status === 'done')).toBe(true);
  console.log(
    `[scale] ${n} files: ${ms.toFixed(0)} ms, ${((ms / n) * 1000).toFixed(0)} us/file, ${notifications} store updates`,
  );
}

it('measures 250/500/1000/2000 files', async () => {
  for (const n of [250, 500, 1000, 2000]) await measure(n);
}, 120_000);
