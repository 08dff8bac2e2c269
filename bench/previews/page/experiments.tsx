// Bench-only variants of src/styled/Thumbnail.tsx, to see what would meet issue 12's 50 ms
// goal; not shipped. Same queue (3 at a time), same 160 px decode and square crop as Thumbnail;
// only where, or how, the bitmap is made differs.
import { memo, useEffect, useRef } from 'react';
import { drawCover, enqueue } from '../../../src/styled/thumbnailDecode';

// Thumbnail's own queue and crop, shared with it (a page runs one variant at a time).
const DECODE_WIDTH = 160;

let worker: Worker | undefined;
let ids = 0;
const pending = new Map<number, { resolve: (bitmap: ImageBitmap) => void; reject: (error: Error) => void }>();
function inWorker(file: Blob, quality: ResizeQuality): Promise<ImageBitmap> {
  if (!worker) {
    worker = new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }: MessageEvent<{ id: number; bitmap?: ImageBitmap; error?: string }>) => {
      const waiter = pending.get(data.id);
      pending.delete(data.id);
      if (data.bitmap) waiter?.resolve(data.bitmap);
      else waiter?.reject(new Error(data.error));
    };
  }
  const id = ++ids;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker?.postMessage({ id, file, width: DECODE_WIDTH, quality });
  });
}

export type Strategy = 'worker' | 'low';

const decoders: Record<Strategy, (file: Blob) => Promise<ImageBitmap>> = {
  // Thumbnail's call, made in a worker.
  worker: (file) => inWorker(file, 'medium'),
  // Thumbnail's call on the page, with the cheapest resize.
  low: (file) => createImageBitmap(file, { resizeWidth: DECODE_WIDTH, resizeQuality: 'low' }),
};

export const ExperimentThumbnail = memo(function ExperimentThumbnail({
  file,
  strategy,
}: {
  file: Blob;
  strategy: Strategy;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let live = true;
    const drop = enqueue(async () => {
      if (!live) return;
      try {
        const bitmap = await decoders[strategy](file);
        if (live && canvas.current) drawCover(canvas.current, bitmap);
        bitmap.close();
      } catch {
        // the bench counts undrawn canvases
      }
    });
    return () => {
      live = false;
      drop();
    };
  }, [file, strategy]);
  return <canvas ref={canvas} className="upkit-item__thumb" data-kind="image" aria-hidden="true" />;
});
