// What part checksums cost on a real upload: one file from disk, picked through the demo page's
// <input type=file>, uploaded in 8 MiB parts to MinIO through presigned URLs, with `checksum`
// on (every part hashed in a Web Worker and its SHA-256 signed into its URL) and off, in
// alternating order (on/off, off/on, ...), a fresh Chromium for every run. Reports each run's
// time, the longest main-thread task and the CPU seconds Chromium and MinIO spent (on one machine
// they share the cores: hashing on both ends then costs time a remote store would not), then
// medians and the ratio.
// Usage: npm run bench:upload [-- <MiB> <rounds> <MiB/s>]   (default 1024 MiB, 3 rounds, no cap)
// A cap (Chrome's network emulation) makes the network the bottleneck, as it is with remote
// storage, instead of the two cores MinIO and Chromium share here.
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startDemo } from '../demo/server';
import { chromiumArgs, chromiumPath } from '../scripts/chromium';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 1024);
const rounds = Number(process.argv[3] ?? 3);
const capMiBps = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
/** CPU seconds (user + system) used so far by live processes whose command line matches. */
async function cpuSeconds(pattern: RegExp): Promise<number> {
  let ticks = 0;
  for (const pid of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (!pattern.test(command)) continue;
      const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone meanwhile.
    }
  }
  return ticks / 100;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const demo = await startDemo({ port: 0, storage: 'minio', log: false });
const dir = await mkdtemp(join(tmpdir(), 'upkit-bench-upload-'));
try {
  const path = join(dir, `bench-${sizeMiB}.bin`);
  const chunk = Buffer.alloc(8 * MiB);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + (i >> 12)) & 0xff;
  const handle = await open(path, 'w');
  for (let written = 0; written < sizeMiB * MiB; written += chunk.length) {
    await handle.write(chunk.subarray(0, Math.min(chunk.length, sizeMiB * MiB - written)));
  }
  await handle.close();

  const runs: Array<{
    arm: 'on' | 'off';
    seconds: number;
    longestTaskMs: number;
    browserCpu: number;
    storageCpu: number;
  }> = [];
  for (let round = 0; round < rounds; round++) {
    const arms = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    for (const arm of arms) {
      const browser = await chromium.launch({
        executablePath: chromiumPath,
        args: ['--headless', ...chromiumArgs],
      });
      try {
        const page = await browser.newPage();
        await page.addInitScript(() => {
          const seen = { longest: 0 };
          Object.assign(window, { __longestTask: seen });
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) seen.longest = Math.max(seen.longest, entry.duration);
          }).observe({ type: 'longtask' });
        });
        if (capMiBps !== undefined) {
          const cdp = await page.context().newCDPSession(page);
          await cdp.send('Network.enable');
          await cdp.send('Network.emulateNetworkConditions', {
            offline: false,
            latency: 0,
            downloadThroughput: -1,
            uploadThroughput: capMiBps * MiB,
          });
        }
        await page.goto(`${demo.url}?threshold=0&partSize=${8 * MiB}&checksum=${arm === 'on' ? 1 : 0}`);
        await page.getByLabel('Choose files').waitFor();
        const [browserBefore, storageBefore] = [await cpuSeconds(/chrom/), await cpuSeconds(/minio server/)];
        const started = performance.now();
        await page.getByLabel('Choose files').setInputFiles(path);
        await page.waitForFunction(
          () => {
            const row = document.querySelector('tr[data-name]');
            if (row?.getAttribute('data-status') === 'error')
              throw new Error(`upload failed: ${row.textContent}`);
            return row?.getAttribute('data-status') === 'done';
          },
          undefined,
          { timeout: 600_000, polling: 50 },
        );
        const seconds = (performance.now() - started) / 1000;
        const browserCpu = (await cpuSeconds(/chrom/)) - browserBefore;
        const storageCpu = (await cpuSeconds(/minio server/)) - storageBefore;
        const longestTaskMs = await page.evaluate(
          () => (window as unknown as { __longestTask: { longest: number } }).__longestTask.longest,
        );
        const key = await page.locator('tr[data-name]').getAttribute('data-key');
        if (key) await demo.s3.send(new DeleteObjectCommand({ Bucket: demo.bucket, Key: key }));
        runs.push({ arm, seconds, longestTaskMs, browserCpu, storageCpu });
        console.log(
          `round ${round + 1} checksum ${arm.padEnd(3)} ${seconds.toFixed(2)} s  ${(sizeMiB / seconds).toFixed(0)} MiB/s  longest task ${longestTaskMs.toFixed(0)} ms  CPU s: browser ${browserCpu.toFixed(1)}, MinIO ${storageCpu.toFixed(1)}`,
        );
      } finally {
        await browser.close();
      }
    }
  }
  const on = runs.filter((r) => r.arm === 'on');
  const off = runs.filter((r) => r.arm === 'off');
  const [onS, offS] = [median(on.map((r) => r.seconds)), median(off.map((r) => r.seconds))];
  console.log(
    JSON.stringify(
      {
        sizeMiB,
        rounds,
        capMiBps: capMiBps ?? null,
        checksumOn: {
          medianSeconds: onS,
          mibPerSecond: sizeMiB / onS,
          longestTaskMs: Math.max(...on.map((r) => r.longestTaskMs)),
          browserCpuSeconds: median(on.map((r) => r.browserCpu)),
          storageCpuSeconds: median(on.map((r) => r.storageCpu)),
        },
        checksumOff: {
          medianSeconds: offS,
          mibPerSecond: sizeMiB / offS,
          longestTaskMs: Math.max(...off.map((r) => r.longestTaskMs)),
          browserCpuSeconds: median(off.map((r) => r.browserCpu)),
          storageCpuSeconds: median(off.map((r) => r.storageCpu)),
        },
        timeOnOverOff: onS / offS,
      },
      null,
      2,
    ),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
  await demo.close();
}
