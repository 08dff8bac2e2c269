// The image half of Thumbnail, loaded with the first image to preview (a chunk of its own):
// a queue of a few decodes at a time, one shared decoding worker, and the square crop.
import { blobWorker } from '../core/blobWorker.js';

// Decoded a few at a time: 200 photos dropped at once must not hold 200 full-size decodes.
const PARALLEL = 3;
// Decoded this wide (CSS px x 2 for sharp edges on dense screens, with room to crop a square).
const DECODE_WIDTH = 160;

let running = 0;
const waiting: Array<() => void> = [];

function next(): void {
  while (running < PARALLEL && waiting.length > 0) waiting.shift()?.();
}

/** Runs `task` when a decode slot is free; the returned function drops it if it has not started. */
export function enqueue(task: () => Promise<void>): () => void {
  const run = () => {
    running++;
    void task().finally(() => {
      running--;
      next();
    });
  };
  waiting.push(run);
  next();
  return () => {
    const at = waiting.indexOf(run);
    if (at >= 0) waiting.splice(at, 1);
  };
}

// Chromium decodes createImageBitmap's blob off the thread that calls it, but crops and scales
// the result on it: 130-220 ms per 12-megapixel photo on the page's main thread (bench:previews).
// Called in a worker, all of that happens there, and the page gets the small bitmap.
const decoder = blobWorker<{ file: Blob; width: number }, ImageBitmap>(`
onmessage = async ({ data: { id, file, width } }) => {
  try {
    const bitmap = await createImageBitmap(file, { resizeWidth: width, resizeQuality: 'medium' });
    postMessage({ id, result: bitmap }, [bitmap]);
  } catch (error) {
    postMessage({ id, error: String(error) });
  }
};`);

/**
 * A small bitmap of `file`: decoded and scaled in the worker, or here where there is none, or
 * where it failed (a worker a CSP stops fails the decodes it was already given).
 */
export async function decode(file: Blob): Promise<ImageBitmap> {
  const worker = decoder();
  if (worker) {
    try {
      return await worker({ file, width: DECODE_WIDTH });
    } catch {
      // Decoded here instead; an image no browser can decode fails here too.
    }
  }
  return createImageBitmap(file, { resizeWidth: DECODE_WIDTH, resizeQuality: 'medium' });
}

/**
 * Draws `bitmap` into `canvas` as a centred square crop. The canvas is sized to the bitmap's
 * short side (at most `DECODE_WIDTH`), and CSS scales it to the thumbnail box.
 */
export function drawCover(canvas: HTMLCanvasElement, bitmap: ImageBitmap): void {
  const side = Math.min(bitmap.width, bitmap.height);
  canvas.width = side;
  canvas.height = side;
  canvas
    .getContext('2d')
    ?.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, side, side);
}
