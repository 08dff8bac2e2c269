// The previews bench page (bench/previews/run.ts drives it). Two modes:
// ?generate=FROM-TO: makes photo-like JPEGs in two workers and PUTs them to the bench server.
// ?variant=V: renders one list on an upload that never finishes, waits for the files to be set
// on its <input type="file">, and reports when every thumbnail is drawn, with the long tasks.
import { memo, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import type { SingleUploadBackend, Transport, UploadItem } from '../../../src/core/types';
import { usePresignedUpload } from '../../../src/react/usePresignedUpload';
import { Thumbnail } from '../../../src/styled/Thumbnail';
import { UploadList } from '../../../src/styled/UploadList';
import { Uploader } from '../../../src/styled/Uploader';
import '../../../src/styled/styles.css';
import { ExperimentThumbnail, type Strategy } from './experiments';
import { ImgThumbnail } from './ImgThumbnail';
import type { PageResult, Variant } from './api';

const params = new URLSearchParams(location.search);

// --- generate mode ---------------------------------------------------------------------------

async function generate(from: number, to: number): Promise<void> {
  const width = Number(params.get('width') ?? 4000);
  const height = Number(params.get('height') ?? 3000);
  const noise = Number(params.get('noise') ?? 24);
  const quality = Number(params.get('quality') ?? 0.9);
  const workers = Number(params.get('workers') ?? 2);
  const made: Array<{ index: number; bytes: number; ms: number }> = [];
  let next = from;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      const worker = new Worker(new URL('./photo.worker.ts', import.meta.url), { type: 'module' });
      try {
        while (next < to) {
          const index = next++;
          const reply = await new Promise<{ index: number; bytes: number; ms: number; error?: string }>(
            (resolve) => {
              worker.onmessage = ({ data }) => resolve(data);
              worker.postMessage({ index, width, height, noise, quality, url: `/photos/${index}` });
            },
          );
          if (reply.error) throw new Error(reply.error);
          made.push(reply);
        }
      } finally {
        worker.terminate();
      }
    }),
  );
  Object.assign(window, { generated: made });
}

// --- measure mode ----------------------------------------------------------------------------

// An upload that never finishes and never fails: presign answers, the PUT hangs until aborted
// (no progress, so no progress re-renders), the same in every variant.
const backend: SingleUploadBackend<{ key: string }> = {
  presign: async (file) => ({
    url: `https://storage.invalid/${encodeURIComponent(file.name)}`,
    key: file.name,
  }),
  complete: async ({ key }) => ({ key }),
};
// <Uploader> (mode auto) wants the multipart calls too; files under 100 MiB never use them.
const unused = () => Promise.reject(new Error('bench: multipart is not used'));
const autoBackend = {
  ...backend,
  createMultipart: unused,
  signParts: unused,
  listParts: unused,
  completeMultipart: unused,
  abortMultipart: unused,
};
const transport: Transport = (request) =>
  new Promise((_, reject) =>
    request.signal.addEventListener('abort', () => reject(request.signal.reason as Error), { once: true }),
  );

type Thumb = 'none' | 'img' | 'canvas' | Strategy;

const Row = memo(function Row({ item, thumb }: { item: UploadItem; thumb: Thumb }) {
  return (
    <li className="upkit-item">
      <div className="upkit-item__card">
        {thumb === 'img' ? (
          <ImgThumbnail file={item.file} />
        ) : thumb === 'canvas' ? (
          <Thumbnail file={item.file} name={item.name} />
        ) : thumb === 'worker' || thumb === 'low' ? (
          <ExperimentThumbnail file={item.file} strategy={thumb} />
        ) : (
          <span className="upkit-item__thumb" aria-hidden="true" />
        )}
        <div className="upkit-item__body">
          <span className="upkit-item__name">{item.name}</span>
          <span className="upkit-item__status">{item.status}</span>
        </div>
      </div>
    </li>
  );
});

// The same rows, every one mounted; only the thumbnail differs between variants.
function TinyList({ thumb }: { thumb: Thumb }) {
  const upload = usePresignedUpload({ backend, transport });
  return (
    <>
      <FileInput onFiles={(files) => void upload.upload(files)} />
      <ul className="upkit-list__items" role="list">
        {upload.items.map((item) => (
          <Row key={item.id} item={item} thumb={thumb} />
        ))}
      </ul>
    </>
  );
}

function StyledList() {
  const upload = usePresignedUpload({ backend, transport });
  return (
    <>
      <FileInput onFiles={(files) => void upload.upload(files)} />
      <UploadList upload={upload} virtualizeAbove={Infinity} />
    </>
  );
}

function FileInput({ onFiles }: { onFiles: (files: File[]) => void }) {
  return (
    <input
      type="file"
      multiple
      aria-label="Files"
      onChange={(event) => {
        const files = [...(event.currentTarget.files ?? [])];
        event.currentTarget.value = '';
        onFiles(files);
      }}
    />
  );
}

const views: Record<Variant, () => ReactNode> = {
  none: () => <TinyList thumb="none" />,
  img: () => <TinyList thumb="img" />,
  canvas: () => <TinyList thumb="canvas" />,
  'canvas-worker': () => <TinyList thumb="worker" />,
  'canvas-low': () => <TinyList thumb="low" />,
  'list-all': () => <StyledList />,
  // The ready-made uploader as shipped: its own drop zone input, its list windowed past 100 rows.
  uploader: () => <Uploader backend={autoBackend} transport={transport} />,
};

const painted = new WeakSet<Element>();
new PerformanceObserver((list) => {
  for (const entry of list.getEntries() as Array<PerformanceEntry & { element: Element | null }>) {
    if (entry.element) painted.add(entry.element);
  }
}).observe({ type: 'element', buffered: true });
const inView = (element: Element) => {
  const box = element.getBoundingClientRect();
  return box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
};

// A canvas is 300 x 150 until Thumbnail sizes it to the decoded bitmap's short side (at most
// 160 px) and draws: `width > 0` holds from the start.
const isDrawn = (canvas: HTMLCanvasElement) => !(canvas.width === 300 && canvas.height === 150);

/** Whether every thumbnail mounted now is drawn, and how many are mounted. */
function drawn(variant: Variant, count: number): { done: boolean; mounted: number } {
  const rows = document.querySelectorAll('.upkit-item');
  if (variant === 'none') return { done: rows.length === count, mounted: 0 };
  if (variant === 'img') {
    // Loaded, and painted where in view: Chromium decodes an <img> when it rasters it, so the
    // ones out of view are not decoded (nor drawn) until scrolled to.
    const images = [...document.querySelectorAll<HTMLImageElement>('img.upkit-item__thumb')];
    return {
      done:
        images.length === count &&
        images.every((img) => img.complete && img.naturalWidth > 0 && (painted.has(img) || !inView(img))),
      mounted: images.length,
    };
  }
  const canvases = [...document.querySelectorAll<HTMLCanvasElement>('canvas.upkit-item__thumb')];
  // The default <Uploader> windows its list: only the rows in view have a thumbnail to draw.
  const expected = variant === 'uploader' ? Math.max(1, canvases.length) : count;
  return {
    done: canvases.length === expected && canvases.every(isDrawn),
    mounted: canvases.length,
  };
}

const longTasks: Array<{ start: number; duration: number }> = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
}).observe({ type: 'longtask', buffered: true });

interface MemoryInfo {
  usedJSHeapSize: number;
}
const heap = () => (performance as Performance & { memory?: MemoryInfo }).memory?.usedJSHeapSize ?? 0;

function measure(variant: Variant, count: number, timeoutMs: number, stableMs: number): void {
  let dropAt = -1;
  let heapBefore = 0;
  const result = new Promise<PageResult>((resolve, reject) => {
    // Capture on window: before React's listener on its root, so t0 is the drop itself.
    window.addEventListener(
      'change',
      () => {
        dropAt = performance.now();
        performance.mark('bench-drop');
        heapBefore = heap();
        let since: number | undefined;
        let mounted = 0;
        const poll = setInterval(() => {
          const now = performance.now();
          const state = drawn(variant, count);
          if (!state.done) since = undefined;
          else {
            since ??= now;
            mounted = state.mounted;
          }
          if (since !== undefined && now - since >= stableMs) {
            clearInterval(poll);
            const drawnAt = since;
            performance.mark('bench-drawn');
            const heapAfter = heap();
            // Long-task entries arrive after their task: give the observer a moment.
            setTimeout(() => {
              const during = longTasks.filter(
                (task) => task.start + task.duration > dropAt && task.start < drawnAt,
              );
              resolve({
                variant,
                files: document.querySelectorAll('.upkit-item').length,
                thumbnailsMounted: mounted,
                drawnMs: drawnAt - dropAt,
                longestTaskMs: Math.max(0, ...during.map((task) => task.duration)),
                longTaskMs: during.reduce((sum, task) => sum + task.duration, 0),
                longTasks: during.map((task) => ({
                  atMs: Math.round(task.start - dropAt),
                  ms: Math.round(task.duration),
                })),
                heapGrowthMiB: (heapAfter - heapBefore) / 2 ** 20,
              });
            }, 200);
          } else if (now - dropAt > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`not all thumbnails drawn in ${timeoutMs} ms: ${JSON.stringify(state)}`));
          }
        }, 5);
      },
      { capture: true, once: true },
    );
  });
  Object.assign(window, { result });
}

const generating = params.get('generate');
if (generating) {
  const [from = 0, to = 0] = generating.split('-').map(Number);
  Object.assign(window, { generation: generate(from, to) });
} else {
  const variant = (params.get('variant') ?? 'canvas') as Variant;
  measure(
    variant,
    Number(params.get('count') ?? 200),
    Number(params.get('timeoutMs') ?? 120_000),
    Number(params.get('stableMs') ?? 500),
  );
  const root = document.getElementById('root');
  if (root) {
    createRoot(root).render(
      variant === 'uploader' ? views[variant]() : <div className="upkit">{views[variant]()}</div>,
    );
  }
  Object.assign(window, { ready: true });
}
