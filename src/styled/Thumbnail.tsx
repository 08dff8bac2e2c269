import { memo, useEffect, useRef, useState } from 'react';
import { useSlots } from './slots.js';
import { lazyChunk } from '../core/lazyChunk.js';

// Larger images get the type tile: decoding a 200 MB TIFF for a 40 px square is not worth it.
const MAX_PREVIEW_BYTES = 40 * 1024 * 1024;

const canDecode = () => typeof createImageBitmap === 'function';

// The decoding half (queue, worker, crop) is a chunk fetched with the first image to preview:
// its canvas stays blank until then, as it does while a decode waits for its turn.
const loadDecoding = /* @__PURE__ */ lazyChunk(() => import('./thumbnailDecode.js'));

/** The tile's label: the extension, up to four letters ("PDF", "ZIP"), or nothing. */
function extensionOf(name: string): string {
  const match = /\.([a-z0-9]{1,4})$/i.exec(name);
  return match?.[1]?.toUpperCase() ?? '';
}

/**
 * A file's preview: images are decoded and scaled down by `createImageBitmap` in a worker, a few
 * at a time, and drawn into a small canvas; anything else (or an image
 * the browser cannot decode) gets a tile with its extension. Decorative: the row names the file.
 */
export const Thumbnail = memo(function Thumbnail({ file, name }: { file: Blob; name: string }) {
  const { cx } = useSlots();
  const canvas = useRef<HTMLCanvasElement>(null);
  const previewable = file.type.startsWith('image/') && file.size <= MAX_PREVIEW_BYTES && canDecode();
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!previewable) return;
    let live = true;
    let drop = () => {};
    loadDecoding().then(
      ({ enqueue, decode, drawCover }) => {
        if (!live) return;
        drop = enqueue(async () => {
          if (!live) return;
          try {
            // Decoded and scaled off the main thread: it only draws the small result.
            const bitmap = await decode(file);
            if (live && canvas.current) drawCover(canvas.current, bitmap);
            bitmap.close();
          } catch {
            if (live) setFailed(true);
          }
        });
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      drop();
    };
  }, [file, previewable]);

  if (previewable && !failed) {
    return <canvas ref={canvas} className={cx('thumb')} data-kind="image" aria-hidden="true" />;
  }
  return (
    <span className={cx('thumb')} data-kind="file" aria-hidden="true">
      {extensionOf(name)}
    </span>
  );
});
