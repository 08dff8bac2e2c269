import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, expect, inject, it } from 'vitest';
import { runConformance, type ConformanceReport } from 'upkit/conformance';
import { toNodeHandler } from 'upkit/server';
import { createApp } from '../../examples/express/app';
import { APP_ORIGIN, GiB, kitOptions, withS3PartPages } from '../conformance/serveBackend';
import { testS3 } from './s3';

// issue 11: the framework examples of docs/backend.md, really run against MinIO and checked by
// the conformance kit: examples/express (Express 5) and examples/nextjs (the App Router route
// module's POST, called with real Requests as Next.js calls it).

const minio = inject('minio');
const storage = { s3: withS3PartPages(testS3()), bucket: minio.bucket };
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  storage.s3.destroy();
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/upload`;
}

const failures = (report: ConformanceReport) =>
  report.results.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${r.reason}`);

it('the Express 5 example passes the conformance kit', { timeout: 120_000 }, async () => {
  const app = createApp({
    s3: withS3PartPages(testS3()),
    bucket: minio.bucket,
    secret: 'express-example-secret-of-at-least-32-bytes',
    allowedTypes: ['image/*'],
    allowedOrigins: [APP_ORIGIN],
    maxFileSize: 5 * GiB,
  });
  const baseUrl = await listen(createServer(app));
  const report = await runConformance({ ...kitOptions(baseUrl, randomUUID().slice(0, 8)), storage });
  expect(failures(report)).toEqual([]);
  expect(report.results.filter((r) => r.status === 'skip')).toEqual([]);
});

it('the Next.js route handler passes the conformance kit', { timeout: 120_000 }, async () => {
  Object.assign(process.env, {
    UPLOAD_BUCKET: minio.bucket,
    UPLOAD_SECRET: 'nextjs-example-secret-of-at-least-32-bytes',
    S3_ENDPOINT: minio.endpoint,
    AWS_ACCESS_KEY_ID: minio.accessKeyId,
    AWS_SECRET_ACCESS_KEY: minio.secretAccessKey,
  });
  const route = await import('../../examples/nextjs/app/api/upload/[...op]/route');
  expect(route.dynamic).toBe('force-dynamic');
  // Next.js hands the route's POST a Request; toNodeHandler makes the same from a socket.
  const baseUrl = await listen(createServer(toNodeHandler(route.POST)));
  // The example names no origins, and keeps the 1 GiB default (too small for 1,001 parts).
  const { origin: _none, ...options } = kitOptions(baseUrl, randomUUID().slice(0, 8));
  const report = await runConformance({ ...options, maxFileSize: GiB, storage });
  expect(failures(report)).toEqual([]);
  expect(report.results.filter((r) => r.status === 'skip').map((r) => r.id)).toEqual([
    'foreign-origin',
    'list-parts-paging',
  ]);
});
