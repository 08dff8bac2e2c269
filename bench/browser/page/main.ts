// The bench page: one contender per page load, driven by bench/browser/run.ts via `window.bench`.
import { readProbes, resetProbes } from './probes';
import type { BenchApi, RunConfig, RunResult } from './api';
import { runRaw } from './raw';
import { mountUploader, mountUpkit, type UpkitContender, type UploaderContender } from './upkit';
import { createUppyContender, type UppyContender } from './uppy';

let generated: File[] = [];
let config: RunConfig | undefined;
let contender:
  | { kind: 'raw' }
  | { kind: 'uppy'; uppy: UppyContender }
  | { kind: 'upkit'; upkit: UpkitContender }
  | { kind: 'uploader'; uploader: UploaderContender }
  | undefined;
// Kept, as an app keeps what its backend answered, so the heap reading after a run sees it.
const rawResults: unknown[] = [];

const files = (): File[] =>
  config?.source === 'input'
    ? [...((document.getElementById('files') as HTMLInputElement).files ?? [])]
    : generated;

const api: BenchApi = {
  makeFiles(count, size) {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
    generated = Array.from(
      { length: count },
      (_, i) => new File([bytes], `f${String(i).padStart(6, '0')}.bin`, { type: 'application/octet-stream' }),
    );
    return count * size;
  },

  async prepare(next) {
    config = next;
    const multipart = files().some((file) => file.size >= next.threshold);
    if (next.contender === 'raw') contender = { kind: 'raw' };
    else if (next.contender === 'uppy') contender = { kind: 'uppy', uppy: createUppyContender(next) };
    else if (next.contender === 'upkit')
      contender = { kind: 'upkit', upkit: await mountUpkit(next, multipart) };
    else {
      const uploader = mountUploader(next);
      uploader.onStart(resetProbes);
      contender = { kind: 'uploader', uploader };
    }
  },

  async run(): Promise<RunResult> {
    if (!config || !contender) throw new Error('prepare() first');
    if (contender.kind === 'uploader') {
      const outcome = await contender.uploader.settled();
      return { ...outcome, ...(await readProbes()) };
    }
    const list = files();
    resetProbes();
    const started = performance.now();
    let outcome: { done: number; failed: number; storeUpdates?: number };
    if (contender.kind === 'raw') outcome = await runRaw(config, list, rawResults);
    else if (contender.kind === 'uppy') outcome = await contender.uppy.run(list);
    else outcome = await contender.upkit.run(list);
    const ms = performance.now() - started;
    return { ms, ...outcome, ...(await readProbes()) };
  },
};

window.bench = api;
