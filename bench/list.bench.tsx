// The styled list with 1,000 files, in real Chromium: the same upload (an instant in-memory
// backend, each PUT reporting progress twice) rendered three ways, side by side in one page.
// The baseline renders only a counter, so the ratios are what drawing the list costs.
// Run: npm run bench:ui
import { act } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { bench, describe } from 'vitest';
import type { SingleUploadBackend, Transport } from '../src/core/types';
import { usePresignedUpload } from '../src/react/usePresignedUpload';
import { UploadList } from '../src/styled/UploadList';
import '../src/styled/styles.css';

const N = 1000;

// Which React the page runs: production builds refuse act().
const reactBuild = (() => {
  try {
    act(() => undefined);
    return 'development';
  } catch {
    return 'production';
  }
})();
console.log(`React ${reactBuild} build`);

const backend: SingleUploadBackend<{ key: string }> = {
  presign: async (file) => ({ url: `https://bucket.test/${file.name}`, key: file.name }),
  complete: async ({ key }) => ({ key }),
};
// A macrotask per progress event, as XHR gives, so frames and paints happen between them.
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const transport: Transport = async (request) => {
  await tick();
  request.onProgress(request.body.size / 2);
  await tick();
  request.onProgress(request.body.size);
  return { status: 200, etag: '"e"' };
};
const files = Array.from({ length: N }, (_, i) => new File([String(i)], `file-${i}.txt`));

type View = 'counter' | 'virtual' | 'full';

function Harness({ view, onDone }: { view: View; onDone: () => void }) {
  const upload = usePresignedUpload({ backend, transport, concurrency: 6 });
  const done = upload.items.filter((item) => item.status === 'done').length;
  if (upload.items.length === N && done === N) queueMicrotask(onDone);
  return (
    <div className="upkit">
      <button type="button" onClick={() => void upload.upload(files)}>
        start
      </button>
      {view === 'counter' ? (
        <output>{done}</output>
      ) : (
        <UploadList upload={upload} {...(view === 'full' ? { virtualizeAbove: Infinity } : {})} />
      )}
    </div>
  );
}

// Long tasks (> 50 ms on the main thread) are what a user feels as jank; counted per run.
const longTasks = { count: 0, ms: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    longTasks.count++;
    longTasks.ms += entry.duration;
  }
}).observe({ type: 'longtask' });

async function run(view: View): Promise<void> {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  const finished = new Promise<void>((resolve) => {
    flushSync(() => root.render(<Harness view={view} onDone={resolve} />));
  });
  host.querySelector('button')?.click();
  await finished;
  root.unmount();
  host.remove();
}

const stats: Record<View, { runs: number; count: number; ms: number }> = {
  counter: { runs: 0, count: 0, ms: 0 },
  virtual: { runs: 0, count: 0, ms: 0 },
  full: { runs: 0, count: 0, ms: 0 },
};
const measured = (view: View) => async () => {
  const before = { ...longTasks };
  await run(view);
  // The observer reports after the task: give it a frame.
  await new Promise((resolve) => requestAnimationFrame(resolve));
  stats[view].runs++;
  stats[view].count += longTasks.count - before.count;
  stats[view].ms += longTasks.ms - before.ms;
};
// The mounted-everything run takes minutes per iteration (that is the point): one is enough.
const options = { iterations: 3, time: 0, warmupIterations: 1 };
const once = { iterations: 1, time: 0, warmupIterations: 0 };

describe(`${N} files, uploaded and drawn`, () => {
  bench('baseline: the hook and a counter', measured('counter'), options);
  bench('UploadList, virtualized (default)', measured('virtual'), options);
  bench('UploadList, every row mounted (virtualizeAbove: Infinity)', measured('full'), {
    ...once,
    teardown: () => {
      for (const [view, s] of Object.entries(stats)) {
        if (s.runs > 0)
          console.log(
            `long tasks per run, ${view}: ${(s.count / s.runs).toFixed(1)} (${(s.ms / s.runs).toFixed(0)} ms)`,
          );
      }
    },
  });
});
