// What part checksums cost in the browser: SHA-256 of a 1 GiB file in 8 MiB parts, exactly as
// the engine hashes them (Blob.slice, arrayBuffer, crypto.subtle.digest), against reading the
// same parts without hashing (the floor any upload pays), in one Chromium page, interleaved,
// with the longest main-thread task seen during each. Usage: npm run bench:checksum
import { mkdtemp, open, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium';
import { HASHING_SOURCE } from '../src/core/sha256';

let dir = '';
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--headless', ...chromiumArgs],
});
try {
  const page = await browser.newPage();
  // A real file on disk, picked as a user would.
  dir = await mkdtemp(join(tmpdir(), 'upkit-checksum-'));
  const path = join(dir, 'one-gib.bin');
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) & 0xff;
  const handle = await open(path, 'w');
  for (let i = 0; i < 128; i++) await handle.write(chunk);
  await handle.close();
  // Served from 127.0.0.1: a secure context, where Web Crypto exists (about:blank has none).
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<input type="file">'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  server.close();
  await page.locator('input').setInputFiles(path);
  // A string, not a function: tsx's transform adds helpers a page does not have.
  const rounds = (await page.evaluate(`(async () => {
    const WORKER = ${JSON.stringify(HASHING_SOURCE)};
    const MiB = 1024 * 1024;
    const size = 1024 * MiB;
    const partSize = 8 * MiB;
    const file = document.querySelector('input').files[0];
    let longest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
    }).observe({ type: 'longtask', buffered: false });
    const worker = new Worker(URL.createObjectURL(new Blob([WORKER], { type: 'text/javascript' })));
    const inWorker = (blob) =>
      new Promise((resolve) => {
        worker.onmessage = ({ data }) => resolve(data.result);
        worker.postMessage({ id: 0, blob });
      });
    async function run(mode) {
      longest = 0;
      const start = performance.now();
      for (let offset = 0; offset < size; offset += partSize) {
        const part = file.slice(offset, offset + partSize);
        if (mode === 'worker') {
          await inWorker(part);
          continue;
        }
        const bytes = new Uint8Array(await part.arrayBuffer());
        if (mode === 'main') {
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
          btoa(String.fromCharCode(...digest));
        }
      }
      const ms = performance.now() - start;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { ms, longest };
    }
    const results = [];
    for (let round = 0; round < 3; round++) {
      results.push({ read: await run('read'), hashed: await run('main'), worker: await run('worker') });
    }
    return results;
  })()`)) as Array<{
    read: { ms: number; longest: number };
    hashed: { ms: number; longest: number };
    worker: { ms: number; longest: number };
  }>;
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[1] ?? NaN;
  const row = (label: string, pick: (r: (typeof rounds)[number]) => { ms: number; longest: number }) => {
    const ms = median(rounds.map((r) => pick(r).ms));
    const longest = Math.max(...rounds.map((r) => pick(r).longest));
    return `| ${label} | ${ms.toFixed(0)} ms | ${((1024 / ms) * 1000).toFixed(0)} MiB/s | ${longest.toFixed(0)} ms |`;
  };
  console.log('| 1 GiB in 8 MiB parts, median of 3 | time | rate | longest main-thread task |');
  console.log('| --- | --- | --- | --- |');
  console.log(row('read only (the floor)', (r) => r.read));
  console.log(row('read + SHA-256 on the main thread', (r) => r.hashed));
  console.log(row('read + SHA-256 in the hashing worker (shipped)', (r) => r.worker));
} finally {
  await browser.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}
