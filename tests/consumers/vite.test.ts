import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { build, createLogger } from 'vite';
import { expect, it } from 'vitest';

// issue 13: a Vite + React app using the styled uploader, a headless one and the stylesheet,
// built from the packed package (tests/consumers/.work/node_modules/upkit) by Vite itself, with
// none of this repo's aliases.
const work = join(import.meta.dirname, '.work');
const app = join(work, 'vite-app');
cpSync(join(import.meta.dirname, 'fixtures/vite-app'), app, { recursive: true });

it('builds, with upkit and its stylesheet in the bundle and no server code', async () => {
  // Vite's warnings about the package (a module-level directive it drops, a missing export, an
  // unresolved import) reach the user's terminal: there must be none.
  const warnings: string[] = [];
  const logger = createLogger('warn');
  logger.warn = (message) => void warnings.push(message);
  logger.warnOnce = logger.warn;
  await build({
    configFile: false,
    root: app,
    logLevel: 'warn',
    customLogger: logger,
    plugins: [react()],
    build: { outDir: join(app, 'dist'), emptyOutDir: true },
  });
  const assets = join(app, 'dist/assets');
  const files = readdirSync(assets);
  const js = files
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(assets, name), 'utf8'));
  const css = files
    .filter((name) => name.endsWith('.css'))
    .map((name) => readFileSync(join(assets, name), 'utf8'));
  expect(js.join('\n')).toMatch(/Drop files here or choose them/);
  expect(js.join('\n')).not.toMatch(/@aws-sdk|S3Client|getSignedUrl/);
  expect(css.join('\n')).toMatch(/\.upkit-dropzone/);
  // The virtualizer and multipart are chunks of their own, loaded on first use.
  expect(js.length).toBeGreaterThan(1);
  expect(warnings.filter((warning) => /upkit|directive/i.test(warning))).toEqual([]);
}, 120_000);
