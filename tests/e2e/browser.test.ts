import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../demo/server';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium';
import { waitForDone } from './faults/demoPage';
import { objectSha256, pattern, sha256 } from './s3';

// The real path: Debian chromium, the demo page and upkit/server, and MinIO checking every
// signature. Every object is read back from MinIO and compared by SHA-256.
const MiB = 1024 * 1024;
let demo: RunningDemo;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  const minio = inject('minio');
  demo = await startDemo({ port: 0, storage: minio, log: false });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', ...chromiumArgs] });
  dir = await mkdtemp(join(tmpdir(), 'upkit-e2e-'));
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface LocalFile {
  name: string;
  path: string;
  sha256: string;
}

let seed = 0;
async function makeFile(name: string, size: number): Promise<LocalFile> {
  const bytes = pattern(size, ++seed);
  const folder = join(dir, String(seed));
  const { mkdir } = await import('node:fs/promises');
  await mkdir(folder);
  const path = join(folder, name);
  await writeFile(path, bytes);
  return { name, path, sha256: sha256(bytes) };
}

async function openDemo(query = ''): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${demo.url}${query}`);
  await page.getByLabel('Choose files').waitFor();
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

async function pick(page: Page, files: LocalFile[]): Promise<void> {
  await page.getByLabel('Choose files').setInputFiles(files.map((f) => f.path));
}

async function expectStored(keys: Map<string, string>, files: LocalFile[]): Promise<void> {
  for (const file of files) {
    const key = keys.get(file.name);
    expect(key, file.name).toMatch(/^uploads\/demo\//);
    expect(await objectSha256(demo.s3, demo.bucket, key!), file.name).toBe(file.sha256);
  }
}

/** Slows uploads through Chrome's network emulation so progress, pause and reload can be seen. */
async function throttle(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
}

describe('a real browser uploading to MinIO', () => {
  it('single PUTs at the edges: 0 B, 1 B, 5 MiB - 1, 5 MiB + 1', async () => {
    const files = [
      await makeFile('zero.bin', 0),
      await makeFile('one.bin', 1),
      await makeFile('five-minus.bin', 5 * MiB - 1),
      await makeFile('five-plus.bin', 5 * MiB + 1),
    ];
    const page = await openDemo();
    await pick(page, files);
    await expectStored(await waitForDone(page, files), files);
    const modes = await page.$$eval('tr[data-name] td:nth-child(3)', (cells) =>
      cells.map((c) => c.textContent),
    );
    expect(modes).toEqual(['single', 'single', 'single', 'single']);
    await page.close();
  });

  it('multipart at the edges and a 64 MiB file in 5 MiB parts', async () => {
    const files = [
      await makeFile('m-zero.bin', 0),
      await makeFile('m-one.bin', 1),
      await makeFile('m-five-minus.bin', 5 * MiB - 1),
      await makeFile('m-five-plus.bin', 5 * MiB + 1),
      await makeFile('m-64.bin', 64 * MiB),
    ];
    const page = await openDemo(`?threshold=0&partSize=${5 * MiB}`);
    await pick(page, files);
    await expectStored(await waitForDone(page, files), files);
    const modes = await page.$$eval('tr[data-name] td:nth-child(3)', (cells) =>
      cells.map((c) => c.textContent),
    );
    expect(new Set(modes)).toEqual(new Set(['multipart']));
    await page.close();
  });

  it('50 small files at once, with unicode names', async () => {
    const names = ['résumé 📄.txt', '日本語のファイル.txt', 'Ünïcödé — “quotes”.bin', 'emoji 🎉.dat'];
    const files = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        makeFile(i < names.length ? names[i]! : `small-${i}.bin`, 1000 + i * 37),
      ),
    );
    const page = await openDemo();
    await pick(page, files);
    await expectStored(await waitForDone(page, files), files);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('reports incremental progress from real upload events', async () => {
    const file = await makeFile('progress.bin', 6 * MiB);
    const page = await openDemo();
    await throttle(page, 4 * MiB);
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { seen: Set<string> }).seen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('progress');
        if (bar) seen.add(bar.getAttribute('aria-valuenow') ?? '');
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await pick(page, [file]);
    await waitForDone(page, [file]);
    const seen = await page.evaluate(() =>
      [...(window as unknown as { seen: Set<string> }).seen].map(Number),
    );
    const between = seen.filter((value) => value > 0 && value < 100);
    expect(between.length).toBeGreaterThanOrEqual(3);
    await page.close();
  });

  it('pauses and resumes a multipart upload; the bytes are intact', async () => {
    const file = await makeFile('pause.bin', 20 * MiB);
    const page = await openDemo(`?threshold=0&partSize=${5 * MiB}&concurrency=2`);
    await throttle(page, 8 * MiB);
    await pick(page, [file]);
    const row = page.locator('tr[data-name="pause.bin"]');
    await page.waitForFunction(
      () => Number(document.querySelector('progress')?.getAttribute('aria-valuenow')) >= 30,
    );
    await row.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('paused');
    await row.getByRole('button', { name: 'Resume' }).click();
    await expectStored(await waitForDone(page, [file]), [file]);
    await page.close();
  });

  it('resumes after a page reload, sending only the parts storage lacks', async () => {
    const file = await makeFile('reload.bin', 20 * MiB);
    const query = `?threshold=0&partSize=${5 * MiB}&concurrency=2`;
    const page = await openDemo(query);
    await throttle(page, 8 * MiB);
    await pick(page, [file]);
    // One data slot (concurrency 2 keeps one for control calls): parts go one at a time.
    await page.waitForFunction(
      () => Number(document.querySelector('progress')?.getAttribute('aria-valuenow')) >= 55,
    );
    await page.reload();
    await page.getByLabel('Choose files').waitFor();
    const partPuts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT')
        partPuts.push(new URL(request.url()).searchParams.get('partNumber') ?? '');
    });
    await pick(page, [file]);
    await expectStored(await waitForDone(page, [file]), [file]);
    // 4 parts; at least the first two were stored before the reload.
    expect(partPuts.length).toBeLessThanOrEqual(2);
    expect(partPuts).not.toContain('1');
    await page.close();
  });

  it('after a reload, a file edited in place with its time restored ends with its own bytes', async () => {
    const file = await makeFile('edited.img', 20 * MiB);
    // Whole seconds: a restored time then reads back to the millisecond.
    const mtime = new Date(1_700_000_000_000);
    await utimes(file.path, mtime, mtime);
    const page = await openDemo(`?threshold=0&partSize=${5 * MiB}&concurrency=2`);
    await throttle(page, 8 * MiB);
    await pick(page, [file]);
    await page.waitForFunction(
      () => Number(document.querySelector('progress')?.getAttribute('aria-valuenow')) >= 55,
    );
    await page.reload();
    await page.getByLabel('Choose files').waitFor();
    // Same name, size, type and modification time; other bytes in every part.
    const edited = pattern(20 * MiB, 1000);
    await writeFile(file.path, edited);
    await utimes(file.path, mtime, mtime);
    const partPuts: string[] = [];
    const calls: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (request.method() === 'PUT') partPuts.push(url.searchParams.get('partNumber') ?? '');
      if (url.pathname.startsWith('/api/upload/')) calls.push(url.pathname.slice('/api/upload/'.length));
    });
    await pick(page, [file]);
    const keys = await waitForDone(page, [file]);
    // It did resume: the upload storage holds was listed, not replaced by a new one.
    expect(calls.slice(0, 2)).toEqual(['multipart/list-parts', 'multipart/sign-parts']);
    expect(await objectSha256(demo.s3, demo.bucket, keys.get(file.name) ?? '')).toBe(sha256(edited));
    // The parts storage held were the old bytes: every part went again.
    expect(partPuts.sort()).toEqual(['1', '2', '3', '4']);
    await page.close();
  });

  it('the ready-made <Uploader> (?ui=styled) stores single and multipart files byte for byte', async () => {
    const small = await makeFile('styled-small.txt', 1234);
    const big = await makeFile('styled-big.bin', 6 * MiB + 7);
    const listed = async () =>
      (await (await fetch(new URL('api/objects', demo.url))).json()) as Array<{ key: string; size: number }>;
    const before = new Set((await listed()).map((object) => object.key));
    const completedBefore = await completedMetric();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${demo.url}?ui=styled&threshold=${5 * MiB}`);
    await page.locator('input[type="file"]').setInputFiles([small.path, big.path]);
    await page.waitForFunction(
      () => {
        const failed = document.querySelector('li[data-state="error"]');
        if (failed) throw new Error(`upload failed: ${failed.textContent}`);
        return document.querySelectorAll('li[data-state="done"]').length === 2;
      },
      null,
      { timeout: 60_000, polling: 50 },
    );
    expect(await page.locator('li[data-mode="multipart"]').count()).toBe(1);
    const added = (await listed()).filter((object) => !before.has(object.key));
    expect(added.map((object) => object.size).sort((a, b) => a - b)).toEqual([1234, 6 * MiB + 7]);
    for (const [file, size] of [
      [small, 1234],
      [big, 6 * MiB + 7],
    ] as const) {
      const object = added.find((o) => o.size === size);
      expect(await objectSha256(demo.s3, demo.bucket, object?.key ?? ''), file.name).toBe(file.sha256);
    }
    expect(errors).toEqual([]);
    // The demo's Prometheus endpoint counted both completions.
    expect((await completedMetric()) - completedBefore).toBe(2);
    await page.close();
  });
});

/** `upkit_completed_total` as the demo's `/metrics` reports it. */
async function completedMetric(): Promise<number> {
  const text = await (await fetch(new URL('metrics', demo.url))).text();
  const value = /^upkit_completed_total (\d+)$/m.exec(text)?.[1];
  expect(value, 'upkit_completed_total in /metrics').toBeDefined();
  return Number(value);
}

describe('a bucket whose CORS rule hides ETag (s3rver, which enforces bucket CORS)', () => {
  let hidden: RunningDemo;
  beforeAll(async () => {
    hidden = await startDemo({ port: 0, storage: 's3rver', corsExposeEtag: false, log: false });
  });
  afterAll(() => hidden?.close());

  it('fails a multipart upload with missing-etag and the fix, and does not hang', async () => {
    const file = await makeFile('hidden-etag.bin', 1000);
    const page = await browser.newPage();
    await page.goto(`${hidden.url}?threshold=0`);
    await page.getByLabel('Choose files').setInputFiles(file.path);
    const row = page.locator('tr[data-name="hidden-etag.bin"]');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 20_000 }).toBe('error');
    expect(await row.textContent()).toContain('Add "ETag" to the bucket CORS rule\'s ExposeHeaders');
    await page.close();
  });

  it('still completes single PUTs, which do not need the ETag', async () => {
    const file = await makeFile('hidden-etag-single.bin', 1000);
    const page = await browser.newPage();
    await page.goto(hidden.url);
    await page.getByLabel('Choose files').setInputFiles(file.path);
    const row = page.locator('tr[data-name="hidden-etag-single.bin"]');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 20_000 }).toBe('done');
    expect(await objectSha256(hidden.s3, hidden.bucket, (await row.getAttribute('data-key'))!)).toBe(
      file.sha256,
    );
    await page.close();
  });
});
