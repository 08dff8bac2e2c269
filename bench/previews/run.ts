// Image previews with many photos dropped at once (issue 12), in Debian's headless Chromium:
// the styled list's canvas thumbnails (createImageBitmap, resized, three at a time) against the
// <img> + object URL thumbnail upkit shipped before (74fb341), and against no thumbnail at all,
// each in the same minimal list on the same never-finishing upload; then upkit's own UploadList
// with every row mounted and the default <Uploader> (windowed list). See BENCHMARKS.md.
//
// The photos are made in the page (OffscreenCanvas, JPEG 0.9, in two workers) once and kept in
// the temp directory; each measured run gets a fresh browser, and the files are set on the
// page's <input type="file"> from disk, as a drop or a pick gives them.
//
// Usage: npx tsx bench/previews/run.ts [--runs 3] [--count 200] [--variants none,img,canvas,list-all,uploader]
//   [--width 4000] [--height 3000] [--trace canvas,list-all] [--json out.json] [--timeout-s 120]
//   [--report out.json,other.json] (only the table, from earlier --json files)
// Experiments (not shipped, page/experiments.tsx): --variants canvas-worker,canvas-low.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import react from '@vitejs/plugin-react';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium';
import { servePage, sourceState } from '../browser/page-build';
import type { PageResult, Variant } from './page/api';
import { summarizeTrace } from './trace';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    count: { type: 'string', default: '200' },
    variants: { type: 'string', default: 'none,img,canvas,list-all,uploader' },
    width: { type: 'string', default: '4000' },
    height: { type: 'string', default: '3000' },
    noise: { type: 'string', default: '24' },
    trace: { type: 'string', default: '' },
    json: { type: 'string' },
    // Only the table, from the --json files of earlier runs (comma-separated), run numbers renumbered.
    report: { type: 'string' },
    'timeout-s': { type: 'string', default: '120' },
  },
});
const bounded = (name: keyof typeof args, max: number, min = 1): number => {
  const value = Math.floor(Number(args[name]));
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name}: ${min} to ${max}`);
  return value;
};
// --runs 0 --trace canvas: only the traced run.
const runs = bounded('runs', 20, 0);
const count = bounded('count', 2000);
const width = bounded('width', 8000);
const height = bounded('height', 8000);
const noise = bounded('noise', 255);
const timeoutMs = bounded('timeout-s', 1800) * 1000;
const allVariants: Variant[] = [
  'none',
  'img',
  'canvas',
  'list-all',
  'uploader',
  'canvas-worker',
  'canvas-low',
];
const pick = (list: string): Variant[] =>
  list
    .split(',')
    .filter(Boolean)
    .map((name) => {
      if (!allVariants.includes(name as Variant)) throw new Error(`unknown variant ${name}`);
      return name as Variant;
    });
const variants = pick(String(args.variants));
const traced = pick(String(args.trace));

const labels: Record<Variant, string> = {
  none: 'no thumbnail (floor)',
  img: 'baseline: <img> + object URL (74fb341)',
  canvas: 'canvas: createImageBitmap 160 px, 3 at a time',
  'list-all': 'UploadList, every row mounted (virtualizeAbove: Infinity)',
  uploader: '<Uploader>, default (windowed past 100 rows)',
  'canvas-worker': 'experiment: the same createImageBitmap in a worker',
  'canvas-low': "experiment: resizeQuality 'low'",
};

// --- the page ------------------------------------------------------------------------------------

async function buildPage(): Promise<{ dir: string; reactProduction: boolean }> {
  const dir = await mkdtemp(join(tmpdir(), 'upkit-bench-previews-page-'));
  await build({
    configFile: false,
    root: fileURLToPath(new URL('./page', import.meta.url)),
    mode: 'production',
    logLevel: 'warn',
    plugins: [react()],
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    // Readable function names in traces; React 19 ships its production build unminified anyway.
    build: { outDir: dir, emptyOutDir: true, target: 'es2022', minify: false, reportCompressedSize: false },
  });
  let js = '';
  for (const file of await readdir(join(dir, 'assets'))) {
    if (file.endsWith('.js')) js += await readFile(join(dir, 'assets', file), 'utf8');
  }
  return { dir, reactProduction: js.includes('react.dev/errors/') && !js.includes('react-dom.development') };
}

const photoDir = join(tmpdir(), `upkit-bench-previews-photos-${width}x${height}-n${noise}-q90-v1`);
const photoPath = (index: number) => join(photoDir, `photo-${String(index).padStart(4, '0')}.jpg`);

/** Serves the built page, and takes the photos the page makes (PUT /photos/N). */
function serve(dir: string): ReturnType<typeof servePage> {
  return servePage(dir, (req, res, path) => {
    const photo = /^\/photos\/(\d+)$/.exec(path);
    if (req.method !== 'PUT' || !photo) return false;
    const target = photoPath(Number(photo[1]));
    const part = `${target}.${randomUUID()}.part`;
    pipeline(req, createWriteStream(part))
      .then(() => rename(part, target))
      .then(
        () => res.writeHead(204).end(),
        () => res.writeHead(500).end(),
      );
    return true;
  });
}

// --- the browser ----------------------------------------------------------------------------------

/** A fresh Chromium, tagged so its process tree can be found in /proc. */
async function launch(): Promise<{ browser: Browser; tag: string }> {
  const tag = randomUUID();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs, `--upkit-bench-tag=${tag}`],
  });
  return { browser, tag };
}

/** Proportional set size (MiB) of the tagged browser's processes: all of them, and the renderers. */
async function pss(tag: string): Promise<{ total: number; renderers: number }> {
  const procs = new Map<number, { parent: number; command: string }>();
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const statLine = await readFile(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(statLine.split(') ')[1]?.split(' ')[1]);
      const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      procs.set(pid, { parent, command });
    } catch {
      // gone meanwhile
    }
  }
  const root = [...procs].find(([, p]) => p.command.includes(`--upkit-bench-tag=${tag}`))?.[0];
  const tree = new Set<number>(root === undefined ? [] : [root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of procs) {
      if (!tree.has(pid) && tree.has(p.parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  let renderers = 0;
  for (const pid of tree) {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    const kib = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    total += kib / 1024;
    if (procs.get(pid)?.command.includes('--type=renderer')) renderers += kib / 1024;
  }
  return { total, renderers };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function ensurePhotos(url: string): Promise<{ bytes: number[] }> {
  await mkdir(photoDir, { recursive: true });
  const sizes = async () =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        stat(photoPath(i)).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    );
  let bytes = await sizes();
  const missing = bytes.flatMap((size, i) => (size > 0 ? [] : [i]));
  if (missing.length > 0) {
    const from = missing[0] ?? 0;
    const to = (missing.at(-1) ?? 0) + 1;
    console.log(
      `making photos ${from}..${to - 1} in the page (${width}x${height} JPEG 0.9) into ${photoDir}`,
    );
    const started = Date.now();
    const { browser } = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(`${url}?generate=${from}-${to}&width=${width}&height=${height}&noise=${noise}`);
      await within(
        30 * 60_000,
        'making photos',
        page.evaluate(() => (window as unknown as { generation: Promise<void> }).generation),
      );
    } finally {
      await browser.close();
    }
    console.log(`made in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    bytes = await sizes();
  }
  if (bytes.some((size) => size === 0)) throw new Error('some photos are missing');
  return { bytes };
}

interface Run extends PageResult {
  run: number;
  pssBeforeMiB: number;
  pssGrowthMiB: number;
  rendererPssGrowthMiB: number;
}

async function measure(
  url: string,
  variant: Variant,
  files: string[],
  onPage?: (browser: Browser, page: Page) => Promise<() => Promise<void>>,
): Promise<Omit<Run, 'run'>> {
  const { browser, tag } = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(`${url}?variant=${variant}&count=${files.length}&timeoutMs=${timeoutMs}`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    // Let start-up work (fonts, the first paint) settle before the drop.
    await sleep(1000);
    const before = await pss(tag);
    const stop = onPage ? await onPage(browser, page) : undefined;
    await page.setInputFiles('input[type=file]', files);
    const result = await within(
      timeoutMs + 10_000,
      variant,
      page.evaluate(() => (window as unknown as { result: Promise<PageResult> }).result),
    );
    const after = await pss(tag);
    await stop?.();
    return {
      ...result,
      pssBeforeMiB: before.total,
      pssGrowthMiB: after.total - before.total,
      rendererPssGrowthMiB: after.renderers - before.renderers,
    };
  } finally {
    await browser.close();
  }
}

// --- summary -------------------------------------------------------------------------------------

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const spread = (values: number[], digits = 0) =>
  values.length > 1
    ? `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`
    : median(values).toFixed(digits);

function report(all: Run[], runCount = runs): void {
  const of = (variant: Variant) => all.filter((run) => run.variant === variant);
  const base = of('img');
  const ratio = (variant: Variant, key: keyof Run) => {
    const b = median(base.map((run) => Number(run[key])));
    const v = median(of(variant).map((run) => Number(run[key])));
    return b > 0 ? `${(v / b).toFixed(2)}x` : '–';
  };
  // The task that sets the files and runs the change event starts before it (atMs <= 0); the
  // thumbnails' own work comes after.
  const dropTask = (run: Run) => run.longTasks.find((t) => t.atMs <= 0)?.ms ?? 0;
  const after = (run: Run) => run.longTasks.filter((t) => t.atMs > 0);
  const rows: Array<[string, (variant: Variant) => string]> = [
    ['thumbnails mounted', (v) => spread(of(v).map((r) => r.thumbnailsMounted))],
    ['time to all drawn, ms', (v) => spread(of(v).map((r) => r.drawnMs))],
    ['  vs <img> baseline', (v) => ratio(v, 'drawnMs')],
    ['longest main-thread task, ms', (v) => spread(of(v).map((r) => r.longestTaskMs))],
    ['  the drop task (files set, change event), ms', (v) => spread(of(v).map(dropTask))],
    [
      '  longest task after it, ms',
      (v) => spread(of(v).map((r) => Math.max(0, ...after(r).map((t) => t.ms)))),
    ],
    ['  long tasks after it', (v) => spread(of(v).map((r) => after(r).length))],
    [
      '  long-task time after it, ms',
      (v) => spread(of(v).map((r) => after(r).reduce((a, t) => a + t.ms, 0))),
    ],
    ['long tasks (> 50 ms)', (v) => spread(of(v).map((r) => r.longTasks.length))],
    ['total long-task time, ms', (v) => spread(of(v).map((r) => r.longTaskMs))],
    ['  vs <img> baseline', (v) => ratio(v, 'longTaskMs')],
    ['Chromium PSS growth, MiB', (v) => spread(of(v).map((r) => r.pssGrowthMiB))],
    ['  of it renderer, MiB', (v) => spread(of(v).map((r) => r.rendererPssGrowthMiB))],
    [
      'JS heap growth, MiB',
      (v) =>
        spread(
          of(v).map((r) => r.heapGrowthMiB),
          1,
        ),
    ],
  ];
  const shown = variants.filter((v) => of(v).length > 0);
  console.log(
    `\n| ${count} photos, median (min–max) of ${runCount} | ${shown.map((v) => labels[v]).join(' | ')} |`,
  );
  console.log(`| --- | ${shown.map(() => '---').join(' | ')} |`);
  for (const [name, cell] of rows) console.log(`| ${name} | ${shown.map(cell).join(' | ')} |`);
  for (const run of all) {
    console.log(
      `run ${run.run} ${run.variant}: long tasks ${run.longTasks.map((t) => `${t.ms} ms @${t.atMs}`).join(', ') || 'none'}`,
    );
  }
}

// --- main ----------------------------------------------------------------------------------------

if (args.report) {
  const all: Run[] = [];
  for (const file of args.report.split(',')) {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { sourceState: string; all: Run[] };
    console.log(`${file}: source ${saved.sourceState}, ${saved.all.length} runs`);
    const offset = Math.max(0, ...all.map((run) => run.run));
    all.push(...saved.all.map((run) => ({ ...run, run: run.run + offset })));
  }
  report(all, Math.max(...all.map((run) => run.run)));
  process.exit(0);
}

const page = await buildPage();
const server = await serve(page.dir);
try {
  console.log(`React ${page.reactProduction ? 'production' : 'DEVELOPMENT'} build; source ${sourceState}`);
  console.log(
    `load average before: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  const { bytes } = await ensurePhotos(server.url);
  const files = Array.from({ length: count }, (_, i) => photoPath(i));
  const total = bytes.reduce((a, b) => a + b, 0);
  console.log(
    `${count} photos, ${width}x${height}, ${(total / 2 ** 20).toFixed(0)} MiB (median ${(median(bytes) / 2 ** 20).toFixed(2)} MiB)`,
  );
  const all: Run[] = [];
  for (let run = 1; run <= runs; run++) {
    // Rotated, so no variant always runs first (or right after the same one).
    const order = variants.map((_, i) => variants[(i + run - 1) % variants.length] as Variant);
    for (const variant of order) {
      const result = { run, ...(await measure(server.url, variant, files)) };
      all.push(result);
      console.log(
        `run ${run} ${variant}: drawn ${result.drawnMs.toFixed(0)} ms, longest task ${result.longestTaskMs.toFixed(0)} ms, ` +
          `long tasks ${result.longTasks.length} (${result.longTaskMs.toFixed(0)} ms), PSS +${result.pssGrowthMiB.toFixed(0)} MiB`,
      );
    }
  }
  if (all.length > 0) report(all);
  for (const variant of traced) {
    const path = join(tmpdir(), `upkit-bench-previews-${variant}.trace.json`);
    let trace: Buffer | undefined;
    const result = await measure(server.url, variant, files, async (browser, tracedPage) => {
      await browser.startTracing(tracedPage, {
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'toplevel',
          'v8.execute',
          'blink.user_timing',
          'disabled-by-default-v8.cpu_profiler',
        ],
      });
      return async () => {
        trace = await browser.stopTracing();
      };
    });
    if (!trace) continue;
    await writeFile(path, trace);
    console.log(
      `\ntraced ${variant} (${path}): drawn ${result.drawnMs.toFixed(0)} ms, longest task ${result.longestTaskMs.toFixed(0)} ms`,
    );
    console.log(summarizeTrace(JSON.parse(trace.toString('utf8'))));
  }
  console.log(
    `\nload average after: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  if (args.json)
    await writeFile(args.json, JSON.stringify({ sourceState, count, width, height, all }, null, 2));
} finally {
  await server.close();
  await rm(page.dir, { recursive: true, force: true });
}
