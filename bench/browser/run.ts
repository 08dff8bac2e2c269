// Side by side in headless Chromium: a hand-written XHR pool (raw, the floor), Uppy 6 and upkit,
// against one loopback sink that speaks upkit's protocol and just enough S3, cross-origin to the
// page (issue 9). Each run gets a fresh browser; contenders alternate (raw, Uppy, upkit, raw, ...);
// medians with min-max, and ratios against raw. See BENCHMARKS.md for what each number means.
//
// Usage: npm run bench:browser -- [--scenario big,small,...] [--runs 3] [--contenders raw,uppy,upkit]
//   [--big-mib 1024] [--small-count 1000] [--small-kib 16] [--many-count 10000] [--many-kib 1]
//   [--fault-count 40] [--fault-kib 256] [--delay-ms 20] [--checksum on|off] [--batch on|off]
//   [--same-origin-app] [--timeout-s 900] [--json out.json]
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium';
import type { Contender, RunConfig, RunResult } from './page/api';
import { buildPage, servePage, sourceState } from './page-build';
import { startSink, type Sink } from './sink';

const KiB = 1024;
const MiB = 1024 * KiB;

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'big,big-slow,small,small-slow,many,faults,uploader' },
    runs: { type: 'string', default: '3' },
    contenders: { type: 'string', default: 'raw,uppy,upkit' },
    'big-mib': { type: 'string', default: '1024' },
    'small-count': { type: 'string', default: '1000' },
    'small-kib': { type: 'string', default: '16' },
    'many-count': { type: 'string', default: '10000' },
    'many-kib': { type: 'string', default: '1' },
    'fault-count': { type: 'string', default: '40' },
    'fault-kib': { type: 'string', default: '256' },
    'delay-ms': { type: 'string', default: '20' },
    checksum: { type: 'string', default: 'on' },
    batch: { type: 'string', default: 'on' },
    'same-origin-app': { type: 'boolean', default: false },
    'timeout-s': { type: 'string', default: '900' },
    json: { type: 'string' },
  },
});

const positive = (name: keyof typeof args): number => {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const runs = Math.min(20, Math.floor(positive('runs')));
const bigBytes = Math.round(positive('big-mib') * MiB);
const delayMs = Number(args['delay-ms']);
const timeoutMs = positive('timeout-s') * 1000;
const checksum = args.checksum !== 'off';
const batch = args.batch !== 'off';
const threshold = 100 * MiB;
const partSize = 8 * MiB;
const concurrency = 6;
const selectedContenders = new Set(String(args.contenders).split(','));

type Metric =
  | 'seconds'
  | 'mibps'
  | 'verified'
  | 'appCalls'
  | 'meanPutsInFlight'
  | 'longestTaskMs'
  | 'longTasks'
  | 'heapGrowthMiB'
  | 'storeUpdates'
  | 'commits'
  | 'commitsPerSecond'
  | 'failedPuts';

interface Scenario {
  id: string;
  title: string;
  /** `big`: one file from disk through `<input type=file>`; otherwise files made in the page. */
  files: 'big' | { count: number; size: number };
  appDelayMs: number;
  faults: boolean;
  contenders: Contender[];
  metrics: Metric[];
}

const smallCount = Math.floor(positive('small-count'));
const smallSize = Math.round(positive('small-kib') * KiB);
const manyCount = Math.floor(positive('many-count'));
const manySize = Math.round(positive('many-kib') * KiB);
const faultCount = Math.floor(positive('fault-count'));
const faultSize = Math.round(positive('fault-kib') * KiB);
const bigLabel = bigBytes % (1024 * MiB) === 0 ? `${bigBytes / 1024 / MiB} GiB` : `${bigBytes / MiB} MiB`;
const three: Contender[] = ['raw', 'uppy', 'upkit'];

const scenarios: Scenario[] = [
  {
    id: 'big',
    title: `${bigLabel} multipart (8 MiB parts, 6 connections), instant app`,
    files: 'big',
    appDelayMs: 0,
    faults: false,
    contenders: three,
    metrics: ['mibps', 'seconds', 'meanPutsInFlight', 'appCalls', 'longestTaskMs', 'verified'],
  },
  {
    id: 'big-slow',
    title: `${bigLabel} multipart, app answering in ${delayMs} ms`,
    files: 'big',
    appDelayMs: delayMs,
    faults: false,
    contenders: three,
    metrics: ['seconds', 'mibps', 'appCalls', 'meanPutsInFlight', 'verified'],
  },
  {
    id: 'small',
    title: `${smallCount.toLocaleString('en')} x ${smallSize / KiB} KiB, instant app`,
    files: { count: smallCount, size: smallSize },
    appDelayMs: 0,
    faults: false,
    contenders: three,
    metrics: ['seconds', 'appCalls', 'meanPutsInFlight', 'longestTaskMs', 'verified'],
  },
  {
    id: 'small-slow',
    title: `${smallCount.toLocaleString('en')} x ${smallSize / KiB} KiB, app answering in ${delayMs} ms`,
    files: { count: smallCount, size: smallSize },
    appDelayMs: delayMs,
    faults: false,
    contenders: three,
    metrics: ['seconds', 'appCalls', 'meanPutsInFlight', 'verified'],
  },
  {
    id: 'many',
    title: `${manyCount.toLocaleString('en')} x ${manySize / KiB} KiB, add + upload, instant app`,
    files: { count: manyCount, size: manySize },
    appDelayMs: 0,
    faults: false,
    contenders: three,
    metrics: [
      'seconds',
      'longestTaskMs',
      'longTasks',
      'heapGrowthMiB',
      'storeUpdates',
      'commits',
      'verified',
    ],
  },
  {
    id: 'faults',
    title: `${faultCount} x ${faultSize / KiB} KiB, every 5th PUT failed (500 or socket cut, alternating)`,
    files: { count: faultCount, size: faultSize },
    appDelayMs: 0,
    faults: true,
    contenders: three,
    metrics: ['verified', 'seconds', 'failedPuts'],
  },
  {
    id: 'uploader',
    title: `${bigLabel} through the styled \`<Uploader>\` (its own file input), instant app`,
    files: 'big',
    appDelayMs: 0,
    faults: false,
    contenders: ['raw', 'uploader'],
    metrics: ['commitsPerSecond', 'commits', 'mibps', 'longestTaskMs', 'verified'],
  },
];

const wanted = String(args.scenario).split(',');
for (const id of wanted) {
  if (!scenarios.some((s) => s.id === id))
    throw new Error(`unknown scenario ${id}; known: ${scenarios.map((s) => s.id)}`);
}
const selected = scenarios.filter((s) => wanted.includes(s.id));

interface Measurement {
  scenario: string;
  contender: Contender;
  run: number;
  seconds: number;
  mibps: number;
  verified: number;
  expected: number;
  appCalls: number;
  appCallsByEndpoint: Record<string, number>;
  meanPutsInFlight: number;
  failedPuts: number;
  preflights: number;
  longestTaskMs: number;
  longTasks: number;
  heapGrowthMiB: number;
  storeUpdates: number | undefined;
  commits: number;
  commitsPerSecond: number;
  failed: number;
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

async function heapUsed(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

async function measure(
  sink: Sink,
  pageUrl: string,
  bigPath: string,
  scenario: Scenario,
  contender: Contender,
  run: number,
): Promise<Measurement> {
  sink.reset();
  sink.setOptions({ appDelayMs: scenario.appDelayMs, faults: scenario.faults, batch });
  const expectedFiles =
    scenario.files === 'big'
      ? [{ name: bigPath.slice(bigPath.lastIndexOf('/') + 1), size: bigBytes }]
      : Array.from({ length: scenario.files.count }, (_, i) => ({
          name: `f${String(i).padStart(6, '0')}.bin`,
          size: (scenario.files as { size: number }).size,
        }));
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', ...chromiumArgs],
  });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`  page error (${contender}): ${error.message}`));
    await page.goto(pageUrl);
    await page.waitForFunction(() => 'bench' in window);
    if (scenario.files === 'big') {
      if (contender !== 'uploader') await page.locator('#files').setInputFiles(bigPath);
    } else {
      const { count, size } = scenario.files;
      await page.evaluate(([c, s]) => window.bench.makeFiles(c, s), [count, size] as const);
    }
    const config: RunConfig = {
      contender,
      appUrl: sink.appUrl,
      threshold,
      partSize,
      concurrency,
      checksum,
      source: scenario.files === 'big' ? 'input' : 'generated',
      expectedFiles: expectedFiles.length,
    };
    await page.evaluate((c) => window.bench.prepare(c), config);
    const before = await heapUsed(page);
    const running = page.evaluate(() => window.bench.run());
    if (contender === 'uploader') await page.locator('.upkit input[type=file]').setInputFiles(bigPath);
    const result: RunResult = await withTimeout(running, timeoutMs, `${scenario.id}/${contender}`);
    const after = await heapUsed(page);
    const stats = sink.stats();
    const verification = sink.verify(expectedFiles);
    if (verification.verified < verification.expected && !scenario.faults) {
      console.error(
        `  ${contender}: ${verification.expected - verification.verified} files not verified, e.g. ${verification.missing.join(', ')}`,
      );
    }
    const seconds = result.ms / 1000;
    const totalBytes = expectedFiles.reduce((sum, file) => sum + file.size, 0);
    return {
      scenario: scenario.id,
      contender,
      run,
      seconds,
      mibps: totalBytes / MiB / seconds,
      verified: verification.verified,
      expected: verification.expected,
      appCalls: stats.appCallsTotal,
      appCallsByEndpoint: stats.appCalls,
      meanPutsInFlight: stats.meanPutsInFlight,
      failedPuts: stats.failedPuts,
      preflights: stats.preflights,
      longestTaskMs: result.longestTaskMs,
      longTasks: result.longTasks,
      heapGrowthMiB: (after - before) / MiB,
      storeUpdates: result.storeUpdates,
      commits: result.commits,
      commitsPerSecond: result.commits / seconds,
      failed: result.failed,
    };
  } finally {
    await browser.close();
  }
}

async function writeBigFile(dir: string): Promise<string> {
  const path = join(dir, `big-${bigBytes / MiB}MiB.bin`);
  const chunk = Buffer.alloc(8 * MiB);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + (i >> 12)) & 0xff;
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < bigBytes; written += chunk.length) {
      await handle.write(chunk.subarray(0, Math.min(chunk.length, bigBytes - written)));
    }
  } finally {
    await handle.close();
  }
  return path;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const labels: Record<Metric, string> = {
  seconds: 'time, s',
  mibps: 'throughput, MiB/s',
  verified: 'files verified at the sink',
  appCalls: 'app calls',
  meanPutsInFlight: 'PUTs in flight (mean)',
  longestTaskMs: 'longest main-thread task, ms',
  longTasks: 'long tasks (> 50 ms)',
  heapGrowthMiB: 'JS heap growth, MiB',
  storeUpdates: 'store updates',
  commits: 'React commits',
  commitsPerSecond: 'React commits per second',
  failedPuts: 'PUTs failed by the sink',
};

const digits: Partial<Record<Metric, number>> = {
  seconds: 2,
  meanPutsInFlight: 1,
  heapGrowthMiB: 1,
  commitsPerSecond: 1,
};
const format = (metric: Metric, value: number) =>
  value.toLocaleString('en', {
    maximumFractionDigits: digits[metric] ?? 0,
    minimumFractionDigits: digits[metric] ?? 0,
  });

const contenderNames: Record<Contender, string> = {
  raw: 'raw',
  uppy: 'Uppy 6.3',
  upkit: 'upkit',
  uploader: '`<Uploader>`',
};

function report(scenario: Scenario, all: Measurement[]): string {
  const contenders = scenario.contenders.filter((c) => all.some((m) => m.contender === c));
  const upkitLike = contenders.find((c) => c === 'upkit' || c === 'uploader');
  const header = [
    '',
    ...contenders.map((c) => contenderNames[c]),
    ...(upkitLike && contenders.includes('raw') ? [`${contenderNames[upkitLike]} / raw`] : []),
  ];
  const rows = scenario.metrics.map((metric) => {
    const cells = contenders.map((contender) => {
      const values = all
        .filter((m) => m.contender === contender)
        .map((m) => m[metric])
        .filter((v): v is number => typeof v === 'number');
      if (values.length === 0) return '–';
      const mid = format(metric, median(values));
      const suffix = metric === 'verified' ? `/${(all[0]?.expected ?? 0).toLocaleString('en')}` : '';
      const [low, high] = [format(metric, Math.min(...values)), format(metric, Math.max(...values))];
      // Min-max whenever the runs differ (as printed).
      const spread = low === high ? '' : ` (${low}–${high})`;
      return `${mid}${suffix}${spread}`;
    });
    let ratio = '';
    if (upkitLike && contenders.includes('raw')) {
      const ours = median(all.filter((m) => m.contender === upkitLike).map((m) => m[metric] ?? NaN));
      const raw = median(all.filter((m) => m.contender === 'raw').map((m) => m[metric] ?? NaN));
      ratio = raw > 0 && Number.isFinite(ours) && metric !== 'verified' ? `${(ours / raw).toFixed(2)}x` : '';
    }
    return [labels[metric], ...cells, ...(header.length > contenders.length + 1 ? [ratio] : [])];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [`### ${scenario.title}`, '', line(header), line(header.map(() => '---')), ...rows.map(line)].join(
    '\n',
  );
}

const dir = await mkdtemp(join(tmpdir(), 'upkit-bench-browser-'));
const sink = await startSink({ sameOriginApp: args['same-origin-app'] });
let page: Awaited<ReturnType<typeof buildPage>> | undefined;
let server: Awaited<ReturnType<typeof servePage>> | undefined;
const cleanup = async () => {
  await server?.close();
  await sink.close();
  await page?.remove();
  await rm(dir, { recursive: true, force: true });
};
process.once('SIGINT', () => {
  void cleanup().finally(() => process.exit(130));
});

try {
  page = await buildPage();
  server = await servePage(page.dir);
  const bigPath = selected.some((s) => s.files === 'big') ? await writeBigFile(dir) : join(dir, 'none');
  console.log(
    `bench:browser: ${runs} run(s), Chromium ${chromiumPath}, page ${page.reactProduction ? 'React production build' : 'NOT a React production build'}` +
      ` (${Math.round(page.bytes / 1024)} KiB), upkit checksum ${checksum ? 'on' : 'off'}, batch endpoints ${batch ? 'on' : 'off (404)'},` +
      ` app ${args['same-origin-app'] ? 'on the storage port' : 'on its own port'}, source ${sourceState}, ${new Date().toISOString()}`,
  );
  const measurements: Measurement[] = [];
  const reports: string[] = [];
  for (const scenario of selected) {
    console.log(`\n## ${scenario.title}`);
    const contenders = scenario.contenders.filter(
      (c) => selectedContenders.has(c) || (c === 'uploader' && selectedContenders.has('upkit')),
    );
    const mine: Measurement[] = [];
    for (let run = 1; run <= runs; run++) {
      for (const contender of contenders) {
        try {
          const m = await measure(sink, server.url, bigPath, scenario, contender, run);
          mine.push(m);
          console.log(
            `  run ${run} ${contender.padEnd(8)} ${m.seconds.toFixed(2)} s  ${m.mibps.toFixed(0)} MiB/s  verified ${m.verified}/${m.expected}` +
              `  app calls ${m.appCalls}  PUTs in flight ${m.meanPutsInFlight.toFixed(1)}  longest task ${m.longestTaskMs.toFixed(0)} ms` +
              `  heap +${m.heapGrowthMiB.toFixed(1)} MiB  commits ${m.commits}${m.storeUpdates === undefined ? '' : `  store updates ${m.storeUpdates}`}`,
          );
        } catch (error) {
          console.error(`  run ${run} ${contender}: ${(error as Error).message}`);
        }
      }
    }
    measurements.push(...mine);
    const text = report(scenario, mine);
    reports.push(text);
    console.log(`\n${text}`);
  }
  console.log(`\n# Summary (medians of ${runs}, min–max)\n\n${reports.join('\n\n')}`);
  if (args.json)
    await writeFile(
      args.json,
      JSON.stringify({ runs, checksum, batch, source: sourceState, measurements }, null, 2),
    );
} finally {
  await cleanup();
}
