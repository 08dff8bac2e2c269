// Minified + gzipped size of each public entry as an app would bundle it (peers external).
// Usage: node scripts/measure-size.mjs  (after `npm run build`); prints JSON.
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const peers = [
  'react',
  'react-dom',
  '@tanstack/react-query',
  '@aws-sdk/client-s3',
  '@aws-sdk/s3-request-presigner',
];

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
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const code = outputs
    .filter((o) => o.type === 'chunk')
    .map((o) => o.code)
    .join('\n');
  return { minified: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = {
    upkit: await measure('dist/index.js'),
    'upkit/react': await measure('dist/react.js'),
    'upkit/styled': await measure('dist/styled.js'),
    'upkit/server': await measure('dist/server.js'),
  };
  console.log(JSON.stringify(sizes, null, 2));
}
