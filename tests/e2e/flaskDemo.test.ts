import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../demo/server';
import { png } from './security/harness';
import { objectSha256, sha256 } from './s3';

// `npm start -- --backend flask`: the demo's upload API is the Python backend, behind the same
// `/api/upload` the page calls, on MinIO.

let demo: RunningDemo;
beforeAll(async () => {
  demo = await startDemo({ port: 0, storage: inject('minio'), backend: 'flask', log: false });
}, 60_000);
afterAll(() => demo?.close());

async function call(op: string, body: unknown) {
  const response = await fetch(new URL(`api/upload/${op}`, demo.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    server: response.headers.get('server'),
    body: (await response.json()) as Record<string, any>,
  };
}

it('stores a file through the demo with the Flask backend, byte for byte', async () => {
  const bytes = png(5000, 21);
  const file = { name: 'via-flask.png', size: bytes.byteLength, type: 'image/png' };
  const signed = await call('presign', { file });
  expect(signed.status).toBe(200);
  // Answered by Flask (Werkzeug), not by upkit/server in the demo's process.
  expect(signed.server).toMatch(/Werkzeug/);
  expect(signed.body.key).toMatch(/^uploads\/demo\/.+\.png$/);
  const stored = await fetch(signed.body.url, { method: 'PUT', body: bytes, headers: signed.body.headers });
  expect(stored.status).toBe(200);
  const done = await call('complete', { key: signed.body.key, token: signed.body.token, file });
  expect(done.status).toBe(200);
  expect(await objectSha256(demo.s3, demo.bucket, signed.body.key)).toBe(sha256(bytes));
});
