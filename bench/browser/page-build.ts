// Builds the bench page once per run (Vite, production mode: React's production build, upkit
// from src/) and serves it from its own loopback port, so every call it makes is cross-origin.
import react from '@vitejs/plugin-react';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** The source measured: the commit, plus how many files under src/ differ from it. */
export const sourceState = (() => {
  try {
    const git = (...rest: string[]) => execFileSync('git', rest, { encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? ` + ${changed} changed file(s) in src/` : ''}`;
  } catch {
    return 'unknown';
  }
})();

const pageRoot = fileURLToPath(new URL('./page', import.meta.url));

export interface BuiltPage {
  dir: string;
  /** Whether the bundle holds React's production build (its errors point at react.dev/errors). */
  reactProduction: boolean;
  bytes: number;
  remove(): Promise<void>;
}

export async function buildPage(): Promise<BuiltPage> {
  const dir = await mkdtemp(join(tmpdir(), 'upkit-bench-browser-page-'));
  await build({
    configFile: false,
    root: pageRoot,
    mode: 'production',
    logLevel: 'warn',
    plugins: [react()],
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir: dir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      reportCompressedSize: false,
    },
  });
  let js = '';
  let bytes = 0;
  for (const file of await readdir(join(dir, 'assets'))) {
    const text = await readFile(join(dir, 'assets', file), 'utf8');
    bytes += Buffer.byteLength(text);
    if (file.endsWith('.js')) js += text;
  }
  return {
    dir,
    reactProduction: js.includes('react.dev/errors/') && !js.includes('react-dom.development'),
    bytes,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Serves the built page from `dir` on a loopback port. `route` may answer a request first (it
 * returns true when it did): the previews bench takes the photos its page makes that way.
 */
export async function servePage(
  dir: string,
  route?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://page').pathname;
    if (route?.(req, res, path)) return;
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) =>
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
