import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../demo/server';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium';
import {
  createFileMaker,
  emulateNetwork,
  MiB,
  networkSession,
  openDemo,
  pick,
  waitForDone,
  waitForProgress,
  type LocalFile,
} from './faults/demoPage';
import {
  FAULT_KINDS,
  startFaultProxy,
  targetOf,
  type FaultProxy,
  type ProxyRecord,
} from './faults/faultProxy';
import { objectSha256, testS3 } from './s3';

// The real path under faults: Debian chromium and the demo page PUT through a proxy that breaks
// some of those PUTs the ways storage and networks do, in front of MinIO, which checks every
// signature. Every object is read back and compared by SHA-256.

// The demo page's client is given a short stall watchdog (`?stallTimeoutMs=`): a stalled PUT
// costs this long before the watchdog frees its slot and it is retried.
const STALL_TIMEOUT_MS = 3_000;

const minio = inject('minio');
const s3 = testS3();
let proxy: FaultProxy;
let demo: RunningDemo;
let browser: Browser;
let dir: string;
let make: (name: string, size: number) => Promise<LocalFile>;

beforeAll(async () => {
  proxy = await startFaultProxy(minio.endpoint);
  // Presigned URLs name the proxy, so the browser's PUTs go through it.
  demo = await startDemo({ port: 0, storage: { ...minio, endpoint: proxy.url }, log: false });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', ...chromiumArgs] });
  dir = await mkdtemp(join(tmpdir(), 'upkit-faults-'));
  make = createFileMaker(dir);
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await proxy?.close();
  s3.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const isPut = (record: ProxyRecord) => record.presigned && record.method === 'PUT';

/** Retries of one part or file share this: a re-signed single PUT has a new key, not a new size. */
const thingOf = (record: ProxyRecord) =>
  record.partNumber === undefined ? `single:${record.contentLength}` : targetOf(record);

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

async function expectStored(keys: Map<string, string>, files: readonly LocalFile[]): Promise<void> {
  for (const file of files) {
    const key = keys.get(file.name);
    expect(key, file.name).toMatch(/^uploads\/demo\//);
    expect(await objectSha256(demo.s3, demo.bucket, key!), file.name).toBe(file.sha256);
  }
}

describe('uploads through a fault-injecting proxy in front of MinIO', () => {
  it('44 files, 20 % of their PUTs faulted with every kind: every file done, byte for byte', async ({
    annotate,
  }) => {
    const started = Date.now();
    // Under the 256 KiB threshold: single PUTs of distinct sizes. From it: multipart, one part
    // each for the middle four, two or three 5 MiB parts for the big four.
    const files = [
      ...(await Promise.all(Array.from({ length: 36 }, (_, i) => make(`single-${i}.bin`, 2000 + i * 5003)))),
      ...(await Promise.all(
        Array.from({ length: 4 }, (_, i) => make(`one-part-${i}.bin`, 300_001 + i * 400_000)),
      )),
      ...(await Promise.all([6, 8, 10, 12].map((size, i) => make(`parts-${size}.bin`, size * MiB + i)))),
    ];
    const from = proxy.records.length;
    // One stall at most: the page's watchdog takes 30 s to free its slot. At most three faults
    // in a row for one part or file, so no request runs out of its 5 retries by bad luck.
    proxy.configure({ fraction: 0.2, seed: 20_261_129, maxStalls: 1, maxInARow: 3 });
    const page = await openDemo(
      browser,
      `${demo.url}?threshold=${256 * 1024}&partSize=${5 * MiB}&stallTimeoutMs=${STALL_TIMEOUT_MS}`,
    );
    let pagePuts = 0;
    page.on('request', (request) => void (request.method() === 'PUT' && pagePuts++));
    try {
      await pick(page, files);
      const keys = await waitForDone(page, files, STALL_TIMEOUT_MS + 60_000);
      await expectStored(keys, files);
      const modes = countBy(
        await page.$$eval('tr[data-name] td:nth-child(3)', (cells) => cells.map((c) => c.textContent ?? '')),
        (mode) => mode,
      );
      expect(modes).toEqual({ single: 36, multipart: 8 });
    } finally {
      proxy.configure({ fraction: 0 });
      await page.close();
    }

    const records = proxy.records.slice(from);
    const puts = records.filter(isPut);
    const faults = puts.filter((r) => r.fault !== undefined);
    const byKind = countBy(faults, (r) => r.fault!);
    expect(Object.keys(byKind).sort()).toEqual([...FAULT_KINDS].sort());
    // The server's own calls (create, complete, copy, head) went through untouched.
    const sdkCalls = records.filter((r) => !r.presigned && r.method !== 'OPTIONS');
    expect(sdkCalls.length).toBeGreaterThan(0);
    expect(sdkCalls.filter((r) => r.fault !== undefined || (r.status ?? 0) >= 500)).toEqual([]);

    const nextAttempt = (fault: ProxyRecord) =>
      puts.find((r) => r.id > fault.id && thingOf(r) === thingOf(fault));
    for (const fault of faults) {
      const next = nextAttempt(fault);
      expect(next, `${fault.fault} on ${targetOf(fault)} was retried`).toBeDefined();
      // 503 SlowDown says Retry-After: 1, and the fault exposes it to the page as MinIO does.
      if (fault.fault === 'slow-down-503')
        expect(next!.startedAt - fault.endedAt!, 'ms waited after 503 SlowDown').toBeGreaterThanOrEqual(1000);
      // An expired single URL is signed again for a new key: a key is never signed for a second
      // PUT (the refused PUT left nothing under the old one).
      if (fault.fault === 'expired-403' && fault.partNumber === undefined)
        expect(next!.path, 'the key after an expired single URL').not.toBe(fault.path);
      // Only the client's watchdog ends a stall before the proxy's 60 s cap.
      if (fault.fault === 'stall') {
        // The client gave up on it (its watchdog, after STALL_TIMEOUT_MS without progress) and
        // sent it again long before the proxy's 60 s cap. When the aborted connection's close
        // reaches the paused proxy varies (a FIN can sit behind bytes nobody reads), so the
        // retry's start is what is measured.
        expect(fault.endedBy, 'who ended the stalled PUT').not.toBe('proxy');
        const waited = next!.startedAt - fault.startedAt;
        expect(waited, 'ms before the stalled PUT was sent again').toBeGreaterThanOrEqual(
          STALL_TIMEOUT_MS - 1000,
        );
        expect(waited, 'ms before the stalled PUT was sent again').toBeLessThan(30_000);
      }
    }

    // Every fault reached upkit: Chrome resent none by itself (see faultProxy.ts on resets).
    expect(pagePuts, 'PUTs the page made').toBe(puts.length);

    const figures = {
      files: files.length,
      puts: puts.length,
      pagePuts,
      partsAndObjects: new Set(puts.map(thingOf)).size,
      retries: puts.length - new Set(puts.map(thingOf)).size,
      faults: faults.length,
      byKind,
      stallHeldMs: faults.filter((r) => r.fault === 'stall').map((r) => r.endedAt! - r.startedAt),
      ms: Date.now() - started,
    };
    await annotate(`figures ${JSON.stringify(figures)}`);
  }, 120_000);

  it('an 80 MiB multipart upload reloaded three times: one upload, each part stored once, only parts in flight sent again', async ({
    annotate,
  }) => {
    const started = Date.now();
    const file = await make('reloaded-80.bin', 80 * MiB);
    const parts = 16;
    // Concurrency 3: three parts in flight at a time (control calls have their own lane).
    const dataSlots = 3;
    proxy.configure({ fraction: 0 });
    const page = await openDemo(browser, `${demo.url}?threshold=0&partSize=${5 * MiB}&concurrency=3`);
    const cdp = await networkSession(page);
    const rate = { uploadBytesPerSecond: 24 * MiB };
    await emulateNetwork(cdp, rate);
    const from = proxy.records.length;
    await pick(page, [file]);
    const interruptions: Array<{ reloadedAt: number; pickedAt: number }> = [];
    try {
      for (const percent of [20, 45, 70]) {
        await waitForProgress(page, file.name, percent);
        const reloadedAt = Date.now();
        await page.reload();
        await page.getByLabel('Choose files').waitFor();
        await emulateNetwork(cdp, rate);
        interruptions.push({ reloadedAt, pickedAt: Date.now() });
        await pick(page, [file]);
      }
      await expectStored(await waitForDone(page, [file], 60_000), [file]);
    } finally {
      await page.close();
    }

    const puts = proxy.records.slice(from).filter(isPut);
    // Resumed each time: one upload on storage, never a new one.
    expect(new Set(puts.map((r) => r.uploadId)).size, 'multipart uploads used').toBe(1);
    // Each part stored exactly once, and never sent again once stored. A part whose whole body
    // reached MinIO just as the page reloaded lands with its 200 unseen; resume adopts it by its
    // checksum, so the last request for a part can be stored without an answer.
    const lastFor = (r: ProxyRecord) => !puts.some((o) => o.partNumber === r.partNumber && o.id > r.id);
    const stored = puts.filter(
      (r) =>
        r.status === 200 ||
        (r.status === undefined && r.bodyForwarded && r.endedBy === 'client' && lastFor(r)),
    );
    expect(
      countBy(stored, (r) => String(r.partNumber)),
      'times each part was stored',
    ).toEqual(Object.fromEntries(Array.from({ length: parts }, (_, i) => [String(i + 1), 1])));
    for (const put of stored) {
      expect(puts.filter((r) => r.partNumber === put.partNumber && r.startedAt > put.endedAt!)).toEqual([]);
    }
    const sentBetween = (from: number, to: number) =>
      new Set(puts.filter((r) => r.startedAt >= from && r.startedAt < to).map((r) => r.partNumber));
    const storedBefore = (part: number | undefined, time: number) =>
      stored.some((r) => r.partNumber === part && r.endedAt! <= time);
    const resentPerReload = interruptions.map(({ reloadedAt, pickedAt }, i) => {
      // What the page that was reloaded had sent and storage had not stored when it went.
      const inFlight = [...sentBetween(interruptions[i - 1]?.pickedAt ?? 0, pickedAt)].filter(
        (part) => !storedBefore(part, reloadedAt),
      );
      const sentBefore = sentBetween(0, pickedAt);
      const resent = [...sentBetween(pickedAt, interruptions[i + 1]?.reloadedAt ?? Infinity)].filter((part) =>
        sentBefore.has(part),
      );
      expect(inFlight, `parts sent again after reload ${i + 1}`).toEqual(expect.arrayContaining(resent));
      expect(resent.length).toBeLessThanOrEqual(dataSlots);
      return resent.length;
    });
    expect(puts.length).toBe(parts + resentPerReload.reduce((a, b) => a + b, 0));

    await annotate(
      `figures ${JSON.stringify({ size: file.size, parts, puts: puts.length, resentPerReload, ms: Date.now() - started })}`,
    );
  }, 60_000);

  it('offline for 4 s mid-upload, then back: the file finishes by itself, and nothing is tried again while offline', async ({
    annotate,
  }) => {
    const started = Date.now();
    const file = await make('offline-30.bin', 30 * MiB);
    proxy.configure({ fraction: 0 });
    const page = await openDemo(browser, `${demo.url}?threshold=0&partSize=${5 * MiB}&concurrency=3`);
    await page.evaluate(() => {
      const seen: Array<[string, boolean]> = [];
      (window as unknown as { seen: typeof seen }).seen = seen;
      addEventListener('offline', () => seen.push(['offline', navigator.onLine]));
      addEventListener('online', () => seen.push(['online', navigator.onLine]));
    });
    const requests: Array<{ what: string; at: number }> = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      const part = url.searchParams.get('partNumber');
      requests.push({ what: `${request.method()} ${url.pathname}${part ? `#${part}` : ''}`, at: Date.now() });
    });
    const failures: string[] = [];
    page.on('requestfailed', (request) => failures.push(request.failure()?.errorText ?? ''));
    const cdp = await networkSession(page);
    const rate = { uploadBytesPerSecond: 8 * MiB };
    await emulateNetwork(cdp, rate);
    const from = proxy.records.length;
    let offlineAt = 0;
    let onlineAt = 0;
    let onLineWhileOffline: boolean | undefined;
    let seen: unknown;
    try {
      await pick(page, [file]);
      // Parts 1 and 2 stored, 3 and 4 a fifth sent.
      await waitForProgress(page, file.name, 40);
      offlineAt = Date.now();
      await emulateNetwork(cdp, { ...rate, offline: true });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      onLineWhileOffline = await page.evaluate(() => navigator.onLine);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      onlineAt = Date.now();
      await emulateNetwork(cdp, rate);
      // No click: the page is only watched from here on.
      await expectStored(await waitForDone(page, [file], 30_000), [file]);
      seen = await page.evaluate(() => (window as unknown as { seen: unknown }).seen);
    } finally {
      await page.close();
    }
    // Chrome's offline emulation is what a real outage looks like to the page: onLine false, and
    // the offline and online events. It does not cut requests already in flight (parts 3 and 4
    // finish); new ones fail at once, before reaching storage.
    expect(onLineWhileOffline).toBe(false);
    expect(seen).toEqual([
      ['offline', false],
      ['online', true],
    ]);
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures)).toEqual(new Set(['net::ERR_INTERNET_DISCONNECTED']));
    // Each request that failed offline waited for the online event instead of spending retries:
    // tried once while offline (backoff alone tries again within 0.5, 1.5 and 3.5 s), then again
    // as soon as the network came back.
    const whileOffline = requests.filter((r) => r.at > offlineAt && r.at < onlineAt);
    const triedAgain = Object.entries(countBy(whileOffline, (r) => r.what)).filter(([, tries]) => tries > 1);
    expect(triedAgain, 'requests tried more than once while offline').toEqual([]);
    const firstBack = requests.find((r) => r.at >= onlineAt);
    expect(firstBack!.at - onlineAt, 'ms from online to the next request').toBeLessThan(2000);
    // Nothing reached storage while the page was offline.
    const atStorage = proxy.records.slice(from).filter((r) => isPut(r) && r.startedAt > offlineAt + 250);
    expect(atStorage.filter((r) => r.startedAt < onlineAt)).toEqual([]);

    await annotate(
      `figures ${JSON.stringify({ offlineMs: onlineAt - offlineAt, failedOffline: whileOffline.length, backAfterMs: firstBack!.at - onlineAt, ms: Date.now() - started })}`,
    );
  }, 60_000);

  it('cancel mid-multipart: the upload is aborted on storage, no part goes after it', async ({
    annotate,
  }) => {
    const started = Date.now();
    const file = await make('canceled-40.bin', 40 * MiB);
    proxy.configure({ fraction: 0 });
    const page = await openDemo(browser, `${demo.url}?threshold=0&partSize=${5 * MiB}&concurrency=3`);
    const cdp = await networkSession(page);
    await emulateNetwork(cdp, { uploadBytesPerSecond: 8 * MiB });
    const from = proxy.records.length;
    const row = page.locator(`tr[data-name="${file.name}"]`);
    // MinIO lists only the one exact key under a Prefix: list them all and filter.
    const openUploads = async (key: string) => {
      const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: minio.bucket }));
      return (listed.Uploads ?? []).filter((upload) => upload.Key?.endsWith(key)).map((u) => u.UploadId);
    };
    let key = '';
    try {
      await pick(page, [file]);
      await waitForProgress(page, file.name, 30);
      key = (await row.getAttribute('data-key')) ?? '';
      expect(key).toMatch(/^uploads\/demo\//);
      expect(await openUploads(key)).toHaveLength(1);
      await row.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => row.getAttribute('data-status')).toBe('canceled');
      await expect
        .poll(() => openUploads(key), { timeout: 10_000, message: 'uploads storage keeps for the file' })
        .toEqual([]);
      // Late parts would land in a dead upload (404); give them time to show up.
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await page.close();
    }
    expect(await objectSha256(s3, minio.bucket, key)).toBeUndefined();
    const records = proxy.records.slice(from);
    const aborts = records.filter((r) => r.method === 'DELETE' && r.uploadId !== undefined);
    // The server's own AbortMultipartUpload, through the proxy untouched.
    expect(aborts.map((r) => [r.presigned, r.status])).toEqual([[false, 204]]);
    const puts = records.filter(isPut);
    expect(puts.filter((r) => r.startedAt > aborts[0]!.startedAt)).toEqual([]);
    await annotate(
      `figures ${JSON.stringify({ parts: 8, putsBeforeCancel: puts.length, stored: puts.filter((r) => r.status === 200).length, ms: Date.now() - started })}`,
    );
  }, 30_000);
});
