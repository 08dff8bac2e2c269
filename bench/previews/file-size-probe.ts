// What the first `file.size` of a File from disk costs on the page (BENCHMARKS.md, previews):
// Chromium asks the browser process for the file's metadata, synchronously, once per File.
// Needs the photos bench/previews/run.ts made. Usage: npx tsx bench/previews/file-size-probe.ts
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium';

const dir = join(tmpdir(), 'upkit-bench-previews-photos-4000x3000-n24-q90-v1');
const files = Array.from({ length: 200 }, (_, i) => join(dir, `photo-${String(i).padStart(4, '0')}.jpg`));

interface Probe {
  firstSizeMs: number;
  thenLastModifiedMs: number;
  againMs: number;
}

const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
try {
  for (let round = 1; round <= 3; round++) {
    const page = await browser.newPage();
    await page.setContent('<input type="file" multiple>');
    await page.evaluate(() => {
      document.querySelector('input')?.addEventListener('change', (event) => {
        const list = [...((event.target as HTMLInputElement).files ?? [])];
        let sum = 0;
        const t0 = performance.now();
        for (const file of list) sum += file.size;
        const t1 = performance.now();
        for (const file of list) sum += file.lastModified;
        const t2 = performance.now();
        for (const file of list) sum += file.size + file.lastModified;
        const t3 = performance.now();
        Object.assign(window, {
          probe: { firstSizeMs: t1 - t0, thenLastModifiedMs: t2 - t1, againMs: t3 - t2, sum },
        });
      });
    });
    await page.setInputFiles('input', files);
    const probe = await page.evaluate(() => (window as unknown as { probe: Probe }).probe);
    console.log(
      `round ${round}: first size of ${files.length} files ${probe.firstSizeMs.toFixed(1)} ms, ` +
        `then lastModified ${probe.thenLastModifiedMs.toFixed(1)} ms, both again ${probe.againMs.toFixed(1)} ms`,
    );
    await page.close();
  }
} finally {
  await browser.close();
}
