import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../demo/server';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium';
import { emulateNetwork, MiB, networkSession, waitForDone, waitForProgress } from './faults/demoPage';
import { objectSha256 } from './s3';

// Resume that needs nothing from the user, in real Chromium against MinIO: sessions live in
// IndexedDB with the file's File System Access handle, so a closed tab reopens the upload with
// one click; Web Locks keep a second tab off a session the first is uploading.
//
// The files live in the origin private file system, whose handles are real FileSystemFileHandles
// that IndexedDB can keep; the page's showOpenFilePicker hands them out, as the real picker would.

const minio = inject('minio');
let demo: RunningDemo;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo({ port: 0, storage: minio, log: false });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', ...chromiumArgs] });
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** A browser profile whose file picker returns the private-file-system file named in `pick`. */
async function profile(): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    Object.assign(window, {
      showOpenFilePicker: async () => {
        const root = await navigator.storage.getDirectory();
        return [await root.getFileHandle(localStorage.getItem('pick') ?? '')];
      },
    });
  });
  return context;
}

const demoUrl = () => `${demo.url}?threshold=0&partSize=${5 * MiB}&concurrency=3`;

async function openPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(demoUrl());
  await page.getByLabel('Choose files').waitFor();
  return page;
}

/** Writes a file of deterministic bytes into the private file system; returns its SHA-256 (hex). */
async function writePrivateFile(page: Page, name: string, size: number): Promise<string> {
  return page.evaluate(
    async ([fileName, bytes]) => {
      const root = await navigator.storage.getDirectory();
      const handle = await root.getFileHandle(fileName, { create: true });
      const writable = await handle.createWritable();
      const chunk = new Uint8Array(1024 * 1024);
      for (let offset = 0; offset < bytes; offset += chunk.length) {
        for (let i = 0; i < chunk.length; i++) chunk[i] = ((offset + i) * 31 + ((offset + i) >> 10)) & 0xff;
        await writable.write(chunk.subarray(0, Math.min(chunk.length, bytes - offset)));
      }
      await writable.close();
      const digest = await crypto.subtle.digest('SHA-256', await (await handle.getFile()).arrayBuffer());
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    },
    [name, size] as const,
  );
}

async function pickWithFileAccess(page: Page, name: string): Promise<void> {
  await page.evaluate((fileName) => localStorage.setItem('pick', fileName), name);
  await page.getByRole('button', { name: 'Choose with file access' }).click();
}

/** Every part PUT a context sends, and the parts storage answered 200 for. */
function watchParts(context: BrowserContext) {
  const sent: Array<{ uploadId: string; partNumber: number; page: Page | null }> = [];
  const stored = new Set<number>();
  const partOf = (url: string) => {
    const params = new URL(url).searchParams;
    return { uploadId: params.get('uploadId') ?? '', partNumber: Number(params.get('partNumber')) };
  };
  context.on('request', (request) => {
    if (request.method() === 'PUT' && request.url().includes('partNumber='))
      sent.push({ ...partOf(request.url()), page: request.frame().page() });
  });
  context.on('response', (response) => {
    const request = response.request();
    if (request.method() === 'PUT' && request.url().includes('partNumber=') && response.status() === 200)
      stored.add(partOf(request.url()).partNumber);
  });
  return { sent, stored };
}

/** Sessions the page's IndexedDB remembers. */
const rememberedSessions = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('upkit');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction('sessions').objectStore('sessions').count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error);
        };
      }),
  );

describe('resume without picking the file again', () => {
  it('a tab closed mid-upload: the next one lists it, and one click resumes from its handle, sending no stored part again', async ({
    annotate,
  }) => {
    const name = 'handle-40.bin';
    const size = 40 * MiB;
    const context = await profile();
    const parts = watchParts(context);
    try {
      const first = await openPage(context);
      const hash = await writePrivateFile(first, name, size);
      await emulateNetwork(await networkSession(first), { uploadBytesPerSecond: 16 * MiB });
      await pickWithFileAccess(first, name);
      await waitForProgress(first, name, 30);
      const storedBeforeClose = new Set(parts.stored);
      await first.close();

      const second = await openPage(context);
      const section = second.getByRole('region', { name: 'Interrupted uploads' });
      await expect
        .poll(() => section.textContent(), { timeout: 10_000 })
        .toMatch(/handle-40\.bin.*Interrupted at/);
      await section.getByRole('button', { name: `Resume ${name}` }).click();
      const keys = await waitForDone(second, [{ name }], 60_000);

      // One upload throughout, and nothing stored before the close went again.
      expect(new Set(parts.sent.map((p) => p.uploadId)).size, 'multipart uploads used').toBe(1);
      const sentAfter = parts.sent.filter((p) => p.page === second).map((p) => p.partNumber);
      expect(
        sentAfter.filter((n) => storedBeforeClose.has(n)),
        'stored parts sent again',
      ).toEqual([]);
      expect(sentAfter.length).toBeGreaterThan(0);
      expect(await objectSha256(demo.s3, demo.bucket, keys.get(name)!)).toBe(hash);
      expect(await section.count()).toBe(0);
      await expect.poll(() => rememberedSessions(second)).toBe(0);
      await annotate(
        `figures ${JSON.stringify({ size, parts: 8, storedBeforeClose: storedBeforeClose.size, sentAfter: sentAfter.length })}`,
      );
    } finally {
      await context.close();
    }
  }, 120_000);

  it('two tabs never upload one session at once: the second uploads its own copy and leaves the first alone', async () => {
    const name = 'shared-20.bin';
    const context = await profile();
    const parts = watchParts(context);
    try {
      const first = await openPage(context);
      const hash = await writePrivateFile(first, name, 20 * MiB);
      const slow = await networkSession(first);
      // Slow enough that the first tab is still sending when the second, unthrottled, is done.
      await emulateNetwork(slow, { uploadBytesPerSecond: 1 * MiB });
      await pickWithFileAccess(first, name);
      await waitForProgress(first, name, 10);

      const second = await openPage(context);
      await pickWithFileAccess(second, name);
      const secondKeys = await waitForDone(second, [{ name }], 60_000);
      // The first tab holds its session's lock: the second neither listed it nor sent into it.
      expect(await second.getByRole('region', { name: 'Interrupted uploads' }).count()).toBe(0);
      const uploadIds = (page: Page) =>
        new Set(parts.sent.filter((p) => p.page === page).map((p) => p.uploadId));
      expect(uploadIds(second).size).toBe(1);
      expect([...uploadIds(second)].some((id) => uploadIds(first).has(id))).toBe(false);
      expect(await first.locator(`tr[data-name="${name}"]`).getAttribute('data-status')).toBe('uploading');

      await emulateNetwork(slow, {});
      const firstKeys = await waitForDone(first, [{ name }], 60_000);
      expect(firstKeys.get(name)).not.toBe(secondKeys.get(name));
      expect(await objectSha256(demo.s3, demo.bucket, firstKeys.get(name)!)).toBe(hash);
      expect(await objectSha256(demo.s3, demo.bucket, secondKeys.get(name)!)).toBe(hash);
    } finally {
      await context.close();
    }
  }, 120_000);
});
