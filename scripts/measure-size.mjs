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
  'msw',
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

/** `names` alone, tree-shaken out of one built entry, as an app importing just them bundles it. */
async function measurePick(dist, file, names) {
  const dir = mkdtempSync(join(tmpdir(), 'upkit-size-'));
  try {
    const entry = join(dir, 'pick.js');
    writeFileSync(entry, `export { ${names.join(', ')} } from ${JSON.stringify(resolve(dist, file))};\n`);
    return await measure(entry);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The two upload hooks alone, tree-shaken out of `upkit/react` (`dist` is the built package). */
export const measureHooks = (dist) =>
  measurePick(dist, 'react.js', ['usePresignedUpload', 'useMultipartUpload']);

/** `<Uploader>` alone (English, no French, no standalone parts), out of `upkit/styled`. */
export const measureUploader = (dist) => measurePick(dist, 'styled.js', ['Uploader']);

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = {
    upkit: await measure('dist/index.js'),
    'upkit/react': await measure('dist/react.js'),
    'upkit/react hooks': await measureHooks('dist'),
    'upkit/styled': await measure('dist/styled.js'),
    'upkit/styled Uploader': await measureUploader('dist'),
    'upkit/server': await measure('dist/server.js'),
    'upkit/msw': await measure('dist/msw.js'),
  };
  console.log(JSON.stringify(sizes, null, 2));
}
