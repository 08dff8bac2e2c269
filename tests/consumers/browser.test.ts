import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium, type Browser } from 'playwright-core';
import { build, type Alias } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startMinio, type RunningMinio } from '../../demo/minio';
import { s3ClientFor } from '../../demo/s3Client';
import { startDemo, type RunningDemo } from '../../demo/server';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium';
import { keysUnder, objectSha256, pattern, sha256 } from '../e2e/s3';

// issue 13: the Vite app of fixtures/vite-app, built by Vite from the packed package, opened in
// Chromium and used as a user would: a photo through the styled uploader (one presigned PUT) and
// a large file through a headless multipart uploader, to MinIO through the demo's upkit/server
// (`startDemo({ page })` serves the built app on the API's origin). Every object is read back
// from MinIO and compared by SHA-256. The same app is built again on React 18.
const work = join(import.meta.dirname, '.work');
const root = join(import.meta.dirname, '../..');
const MiB = 1024 * 1024;
const bucket = 'upkit-consumers';

// React 18 as the react18 Vitest project installs it (tests/react18/runtime).
const react18 = (name: string) => join(root, 'node_modules/upkit-react18-runtime/node_modules', name);
const react18Aliases: Alias[] = [
  { find: /^react(\/.*)?$/, replacement: `${react18('react')}$1` },
  { find: /^react-dom(\/.*)?$/, replacement: `${react18('react-dom')}$1` },
];

async function buildApp(name: string, alias: Alias[]): Promise<string> {
  const app = join(work, name);
  cpSync(fileURLToPath(new URL('fixtures/vite-app', import.meta.url)), app, { recursive: true });
  await build({
    configFile: false,
    root: app,
    logLevel: 'silent',
    plugins: [react()],
    resolve: { alias },
    build: { outDir: join(app, 'dist'), emptyOutDir: true },
  });
  return join(app, 'dist');
}

// A PNG (a real 1x1 image, then padding): the server checks the bytes are the declared type.
const png = new Uint8Array([
  ...Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  ),
  ...pattern(3 * MiB, 1),
]);
const large = pattern(12 * MiB + 321, 2);

let minio: RunningMinio;
let browser: Browser;

beforeAll(async () => {
  minio = await startMinio();
  const s3 = s3ClientFor(minio);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', ...chromiumArgs] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await minio?.stop();
});

describe.each([
  { react: '19', dir: 'vite-app-react19', alias: [] as Alias[] },
  { react: '18', dir: 'vite-app-react18', alias: react18Aliases },
])('the Vite app on React $react', ({ react: major, dir, alias }) => {
  let demo: RunningDemo;

  beforeAll(async () => {
    const page = await buildApp(dir, alias);
    const storage = { ...minio, bucket };
    demo = await startDemo({ port: await freePort(), storage, page, log: false });
  }, 120_000);

  afterAll(async () => {
    await demo?.close();
  });

  it('uploads a photo and a large file to MinIO, byte for byte', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(demo.url);
    await expect
      .poll(() => page.locator('[data-react-version]').getAttribute('data-react-version'))
      .toMatch(new RegExp(`^${major}\\.`));

    const before = new Set(await keysUnder(demo.s3, bucket, 'uploads/'));
    // As a user picks: a click on the drop zone opens the file chooser.
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: /Drop files here/ }).click();
    await (
      await chooser
    ).setFiles({
      name: 'photo.png',
      mimeType: 'image/png',
      buffer: Buffer.from(png),
    });
    await page.getByLabel('Large files').setInputFiles({
      name: 'archive.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(large),
    });

    const row = page.locator('[aria-label="Large uploads"] li');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    await page.getByText(/^1 file uploaded ·/).waitFor({ timeout: 30_000 });

    // The headless row knows its key; the photo's is the one other new object.
    const largeKey = await row.getAttribute('data-key');
    expect(largeKey).toMatch(/^uploads\//);
    expect(await objectSha256(demo.s3, bucket, largeKey!)).toBe(sha256(large));
    const added = (await keysUnder(demo.s3, bucket, 'uploads/')).filter(
      (key) => !before.has(key) && key !== largeKey,
    );
    expect(added).toHaveLength(1);
    expect(await objectSha256(demo.s3, bucket, added[0]!)).toBe(sha256(png));
    expect(errors).toEqual([]);
    await page.close();
  });
});
