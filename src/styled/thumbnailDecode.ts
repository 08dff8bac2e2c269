// The image half of Thumbnail, loaded with the first image to preview (a chunk of its own):
// a queue of a few decodes at a time, one shared decoding worker, and the square crop.

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
const DECODER_SOURCE = `
onmessage = async ({ data: { id, file, width } }) => {
  try {
    const bitmap = await createImageBitmap(file, { resizeWidth: width, resizeQuality: 'medium' });
    postMessage({ id, bitmap }, [bitmap]);
  } catch (error) {
    postMessage({ id, error: String(error) });
  }
};`;

type Decoded = { id: number; bitmap?: ImageBitmap; error?: string };
let decoder: ((file: Blob) => Promise<ImageBitmap>) | null | undefined;

/** One shared decoding worker, or `null` where none can be made (no Worker, a strict CSP). */
function decoderWorker(): typeof decoder {
  if (decoder !== undefined) return decoder;
  decoder = null;
  if (typeof Worker !== 'function' || typeof URL.createObjectURL !== 'function') return decoder;
  try {
    const url = URL.createObjectURL(new Blob([DECODER_SOURCE], { type: 'text/javascript' }));
    const thread = new Worker(url);
    URL.revokeObjectURL(url);
    const pending = new Map<number, (decoded: Decoded) => void>();
    let next = 0;
    thread.onmessage = ({ data }: MessageEvent<Decoded>) => {
      pending.get(data.id)?.(data);
      pending.delete(data.id);
    };
    // A worker that cannot start fails what it holds, and decoding goes back to this thread.
    thread.onerror = () => {
      decoder = null;
      for (const settle of pending.values()) settle({ id: -1, error: 'decoding worker failed' });
      pending.clear();
      thread.terminate();
    };
    decoder = (file) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, ({ bitmap, error }) => (bitmap ? resolve(bitmap) : reject(new Error(error))));
        thread.postMessage({ id, file, width: DECODE_WIDTH });
      });
  } catch {
    decoder = null;
  }
  return decoder;
}

/** A small bitmap of `file`: decoded and scaled in the worker, or here where there is none. */
export function decode(file: Blob): Promise<ImageBitmap> {
  const worker = decoderWorker();
  return worker
    ? worker(file)
    : createImageBitmap(file, { resizeWidth: DECODE_WIDTH, resizeQuality: 'medium' });
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
