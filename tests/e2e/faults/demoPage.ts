import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { pattern, sha256 } from '../s3';

// The demo page as the fault suite drives it: pick files, watch rows, shape the network.

export const MiB = 1024 * 1024;

export interface LocalFile {
  name: string;
  path: string;
  size: number;
  sha256: string;
}

/** Writes files of deterministic bytes under `dir`, each in its own folder. */
export function createFileMaker(dir: string) {
  let seed = 1000;
  return async (name: string, size: number): Promise<LocalFile> => {
    const bytes = pattern(size, ++seed);
    const folder = join(dir, String(seed));
    await mkdir(folder);
    const path = join(folder, name);
    await writeFile(path, bytes);
    return { name, path, size, sha256: sha256(bytes) };
  };
}

export async function openDemo(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.getByLabel('Choose files').waitFor();
  return page;
}

export async function pick(page: Page, files: readonly LocalFile[]): Promise<void> {
  await page.getByLabel('Choose files').setInputFiles(files.map((f) => f.path));
}

/** Waits until every file's row says done, failing at once on an error row; returns name -> key. */
export async function waitForDone(
  page: Page,
  files: readonly Pick<LocalFile, 'name'>[],
  timeout = 60_000,
): Promise<Map<string, string>> {
  await page.waitForFunction(
    (names) => {
      const rows = names.map((name) => document.querySelector(`tr[data-name="${CSS.escape(name)}"]`));
      const failed = rows.find((row) => row?.getAttribute('data-status') === 'error');
      if (failed) throw new Error(`upload failed: ${failed.textContent}`);
      return rows.every((row) => row?.getAttribute('data-status') === 'done');
    },
    files.map((f) => f.name),
    { timeout, polling: 100 },
  );
  const keys = await page.$$eval('tr[data-name]', (rows) =>
    rows.map((row) => [row.getAttribute('data-name')!, row.getAttribute('data-key')!] as const),
  );
  return new Map(keys);
}

/** Resolves once the file's row shows at least `percent` % (stored parts included). */
export async function waitForProgress(page: Page, name: string, percent: number): Promise<void> {
  await page.waitForFunction(
    ([n, p]) => {
      const row = document.querySelector(`tr[data-name="${CSS.escape(n)}"]`);
      if (row?.getAttribute('data-status') === 'error') throw new Error(`upload failed: ${row.textContent}`);
      return Number(row?.querySelector('progress')?.getAttribute('aria-valuenow')) >= p;
    },
    [name, percent] as const,
    { timeout: 30_000, polling: 20 },
  );
}

/** Chrome's network emulation for one page: an upload rate, or no network at all. */
export async function emulateNetwork(
  cdp: CDPSession,
  { offline = false, uploadBytesPerSecond = -1 }: { offline?: boolean; uploadBytesPerSecond?: number },
): Promise<void> {
  await cdp.send('Network.emulateNetworkConditions', {
    offline,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: uploadBytesPerSecond,
  });
}

export async function networkSession(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  return cdp;
}
