// Minified + gzipped size of each public entry as an app would bundle it (peers external):
// `gzip` is what loads up front (the entry and every chunk it imports statically); `lazyGzip` the
// chunks loaded on first use (multipart, IndexedDB), each gzipped on its own as a browser fetches it.
// Usage: node scripts/measure-size.mjs  (after `npm run build`); prints JSON.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const peers = [
  'react',
  'react-dom',
  '@tanstack/react-query',
  '@aws-sdk/client-s3',
  '@aws-sdk/s3-request-presigner',
];

const gzip = (code) => gzipSync(code, { level: 9 }).length;

export async function measure(entry) {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      lib: { entry, formats: ['es'], fileName: 'bundle' },
      rolldownOptions: { external: (id) => peers.some((p) => id === p || id.startsWith(`${p}/`)) },
    },
  });
  const chunks = (Array.isArray(result) ? result : [result])
    .flatMap((r) => r.output)
    .filter((o) => o.type === 'chunk');
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const upFront = new Set();
  const visit = (chunk) => {
    if (!chunk || upFront.has(chunk)) return;
    upFront.add(chunk);
    for (const name of chunk.imports) visit(byName.get(name));
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk);
  const code = [...upFront].map((chunk) => chunk.code).join('\n');
  const lazy = chunks.filter((chunk) => !upFront.has(chunk));
  return {
    minified: Buffer.byteLength(code),
    gzip: gzip(code),
    lazyGzip: lazy.reduce((sum, chunk) => sum + gzip(chunk.code), 0),
  };
}

/** The two upload hooks alone, tree-shaken out of `upkit/react` (`dist` is the built package). */
export async function measureHooks(dist) {
  const dir = mkdtempSync(join(tmpdir(), 'upkit-size-'));
  try {
    const entry = join(dir, 'hooks.js');
    const react = resolve(dist, 'react.js');
    writeFileSync(
      entry,
      `export { usePresignedUpload, useMultipartUpload } from ${JSON.stringify(react)};\n`,
    );
    return await measure(entry);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = {
    upkit: await measure('dist/index.js'),
    'upkit/react': await measure('dist/react.js'),
    'upkit/react hooks': await measureHooks('dist'),
    'upkit/styled': await measure('dist/styled.js'),
    'upkit/server': await measure('dist/server.js'),
  };
  console.log(JSON.stringify(sizes, null, 2));
}
