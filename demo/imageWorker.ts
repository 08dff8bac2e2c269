// Post-processing of verified uploads, as the material upkit started from does it with a Lambda
// on S3 events: a thumbnail and a medium size of every verified raster image, stored beside it
// under `derived/`. The demo calls `enqueue` from `onComplete`, which runs once per object
// whether the browser's `complete` or storage's event notification completed it.
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';

/** Longest side, in pixels, of each derived size. */
export const IMAGE_SIZES = { thumb: 200, medium: 800 } as const;
export type ImageSize = keyof typeof IMAGE_SIZES;

// Types sharp decodes that a browser shows as an image (never SVG: it is active content).
const RASTER = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif']);
// Bounded work per image: a decompression bomb stops at the pixel limit, not at memory's end.
const MAX_BYTES = 50 * 1024 * 1024;
const MAX_PIXELS = 50_000_000;

/** Where a derived size of `key` is stored. */
export const derivedKey = (key: string, size: ImageSize) => `derived/${key}/${size}.webp`;

export const isRasterImage = (contentType: string) => RASTER.has(contentType);

export interface ImageWorkerOptions {
  s3: S3Client;
  bucket: string;
  /** Images processed at once. @default 2 */
  concurrency?: number;
  onError?: (key: string, error: unknown) => void;
}

/** A queue that makes the derived sizes of each image it is given, a few at a time. */
export function createImageWorker({ s3, bucket, concurrency = 2, onError }: ImageWorkerOptions) {
  const waiting: string[] = [];
  // Queued or being made: the page asks again for these only.
  const busy = new Set<string>();
  let running = 0;
  let idle: Array<() => void> = [];

  async function process(key: string): Promise<void> {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body || (object.ContentLength ?? 0) > MAX_BYTES) return;
    const bytes = await object.Body.transformToByteArray();
    for (const [size, side] of Object.entries(IMAGE_SIZES) as Array<[ImageSize, number]>) {
      const resized = await sharp(bytes, { limitInputPixels: MAX_PIXELS })
        .rotate() // EXIF orientation, then the EXIF is dropped with the rest of the metadata
        .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: derivedKey(key, size),
          Body: resized,
          ContentType: 'image/webp',
          ContentDisposition: 'inline',
        }),
      );
    }
  }

  function next(): void {
    while (running < concurrency && waiting.length > 0) {
      const key = waiting.shift() as string;
      running++;
      void process(key)
        .catch((error: unknown) => onError?.(key, error))
        .finally(() => {
          busy.delete(key);
          running--;
          next();
        });
    }
    if (running === 0 && waiting.length === 0) {
      for (const resolve of idle) resolve();
      idle = [];
    }
  }

  return {
    /** Queues a verified object; images only, anything else is skipped. */
    enqueue(key: string, contentType: string): void {
      if (!isRasterImage(contentType)) return;
      busy.add(key);
      waiting.push(key);
      next();
    },
    /** Whether the sizes of `key` are still to be made. */
    pending(key: string): boolean {
      return busy.has(key);
    },
    /** Resolves when nothing is queued or running. */
    idle(): Promise<void> {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
