import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { derivedKey } from '../../demo/imageWorker';
import { startDemo, type RunningDemo } from '../../demo/server';

// issue 11: post-processing that does not depend on the browser. The demo on its own MinIO
// (`npm start -- --storage minio`) gets MinIO's event notifications; an image whose page closed
// after the PUT, before `complete`, is still verified, and the image worker makes its sizes.

let demo: RunningDemo;
beforeAll(async () => {
  demo = await startDemo({ port: 0, storage: 'minio', log: false });
}, 60_000);
afterAll(() => demo?.close());

async function call(op: string, body: unknown) {
  const response = await fetch(new URL(`api/upload/${op}`, demo.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

it('makes a thumbnail and a medium size of an image whose page closed before `complete`', async () => {
  const photo = await sharp({
    create: { width: 1200, height: 900, channels: 3, background: { r: 200, g: 80, b: 40 } },
  })
    .png()
    .toBuffer();
  const file = { name: 'beach.png', size: photo.byteLength, type: 'image/png' };
  const signed = await call('presign', { file });
  expect(signed.status).toBe(200);
  const key = signed.body.key as string;
  const stored = await fetch(signed.body.url, {
    method: 'PUT',
    body: new Uint8Array(photo),
    headers: signed.body.headers,
  });
  expect(stored.status).toBe(200);
  // The page is gone: no `complete`. Wait (at most 20 s) for the bucket to list the image with
  // its thumbnail, as the demo page shows it.
  let listed: { key: string; thumbnail?: string } | undefined;
  for (let attempt = 0; attempt < 100 && !listed?.thumbnail; attempt++) {
    const objects = (await (await fetch(new URL('api/objects', demo.url))).json()) as Array<{
      key: string;
      thumbnail?: string;
    }>;
    listed = objects.find((object) => object.key === key);
    if (!listed?.thumbnail) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(listed?.thumbnail, 'thumbnail listed').toBeDefined();
  await demo.images.idle();

  const served = await fetch(new URL(listed!.thumbnail!, demo.url));
  expect(served.headers.get('content-type')).toBe('image/webp');
  const thumb = await sharp(new Uint8Array(await served.arrayBuffer())).metadata();
  expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 200, 150]);
  const medium = await fetch(
    new URL(`api/derived?key=${encodeURIComponent(derivedKey(key, 'medium'))}`, demo.url),
  );
  const mediumMeta = await sharp(new Uint8Array(await medium.arrayBuffer())).metadata();
  expect([mediumMeta.format, mediumMeta.width, mediumMeta.height]).toEqual(['webp', 800, 600]);
});

it('serves derived images only', async () => {
  for (const key of ['uploads/demo/a.png', 'pending/uploads/demo/a.png', 'derived/../secret']) {
    const response = await fetch(new URL(`api/derived?key=${encodeURIComponent(key)}`, demo.url));
    expect(response.status, key).toBe(404);
  }
});
