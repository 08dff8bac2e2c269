// The zero-setup demo: an S3-compatible store in-process (s3rver) or MinIO, the upkit/server
// upload handler, and the demo page served by Vite, all on one port.
//   npm start                         embedded s3rver
//   npm start -- --storage minio      MinIO (built by scripts/ensure-tools.sh)
//   PORT=8080 npm start               another port (S3_PORT for the store)
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import * as promClient from 'prom-client';
import S3rver from 's3rver';
import { createServer as createVite, type ViteDevServer } from 'vite';
import {
  allEvents,
  createUploadHandler,
  sweepPending,
  toNodeHandler,
  uploadLogger,
  uploadLogRedactPaths,
  uploadMetrics,
} from '../src/server/index';
import { startMinio } from './minio';
import { s3ClientFor } from './s3Client';

/** Where the demo keeps objects. */
export interface StorageConfig {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** @default 5173; 0 picks a free port */
  port?: number;
  /** `s3rver` (embedded, no setup), `minio`, or an existing store (tests pass their MinIO). */
  storage?: 's3rver' | 'minio' | Omit<StorageConfig, 'stop'>;
  /** @default 0 (a free port), for s3rver */
  s3Port?: number;
  /** @default true */
  log?: boolean;
  /**
   * s3rver only: `false` leaves ETag out of the bucket's CORS ExposeHeaders, reproducing the
   * misconfiguration that breaks multipart uploads (used by the tests).
   * @default true
   */
  corsExposeEtag?: boolean;
}

export interface RunningDemo {
  url: string;
  s3: S3Client;
  bucket: string;
  close(): Promise<void>;
}

const BUCKET = 'upkit-demo';
// Browsers PUT straight to the store from the page's origin: allow it, and expose ETag so the
// client can complete multipart uploads.
const CORS_XML = `<CORSConfiguration><CORSRule>
  <AllowedOrigin>*</AllowedOrigin>
  <AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>
  <AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds>
</CORSRule></CORSConfiguration>`;

async function startS3rver(port: number, exposeEtag: boolean): Promise<StorageConfig> {
  const directory = await mkdtemp(join(tmpdir(), 'upkit-s3rver-'));
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory,
    resetOnClose: true,
    configureBuckets: [
      {
        name: BUCKET,
        configs: [exposeEtag ? CORS_XML : CORS_XML.replace(/<ExposeHeader>.*?<\/ExposeHeader>/, '')],
      },
    ],
  });
  const address = (await s3rver.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    // s3rver's one built-in account.
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    bucket: BUCKET,
    stop: async () => {
      await s3rver.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function startStorage(options: DemoOptions): Promise<StorageConfig> {
  const storage = options.storage ?? 's3rver';
  if (storage === 's3rver') return startS3rver(options.s3Port ?? 0, options.corsExposeEtag ?? true);
  if (storage === 'minio') {
    const minio = await startMinio();
    return { ...minio, bucket: BUCKET };
  }
  return { ...storage, stop: async () => undefined };
}

/** Starts storage, the upload API and the page; resolves once all three listen. */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const log = options.log === false ? () => undefined : (line: string) => console.log(line);
  const storage = await startStorage(options);
  const s3 = s3ClientFor(storage);
  if (options.storage === 'minio') await s3.send(new CreateBucketCommand({ Bucket: storage.bucket }));

  // Structured logs of every upload event (pino, JSON lines) and Prometheus metrics at /metrics.
  const logger = pino({ enabled: options.log !== false, redact: [...uploadLogRedactPaths] });
  const metrics = new promClient.Registry();
  promClient.collectDefaultMetrics({ register: metrics });
  const upload = toNodeHandler(
    createUploadHandler({
      s3,
      bucket: storage.bucket,
      // A fresh secret per start: tokens from an earlier run are simply refused.
      secret: randomBytes(48),
      // The demo has one visitor. A real app returns its signed-in user here, or null.
      authorize: () => ({ id: 'demo' }),
      maxFileSize: 2 * 1024 * 1024 * 1024,
      onEvent: allEvents(uploadMetrics(promClient, { registry: metrics }), uploadLogger(logger)),
    }),
  );
  // MinIO and s3rver ignore lifecycle rules: abandoned pending objects and multipart uploads
  // older than a day are removed here instead, every ten minutes.
  const sweep = () =>
    void sweepPending({ s3, bucket: storage.bucket, olderThanMs: 24 * 3600_000 }).catch(() => {});
  const sweeper = setInterval(sweep, 10 * 60_000);
  sweeper.unref();

  const vite: ViteDevServer = await createVite({
    configFile: false,
    root: fileURLToPath(new URL('.', import.meta.url)),
    logLevel: 'warn',
    appType: 'spa',
    server: { middlewareMode: true, hmr: false },
    resolve: {
      alias: [
        { find: /^upkit$/, replacement: fileURLToPath(new URL('../src/index.ts', import.meta.url)) },
        {
          find: /^upkit\/react$/,
          replacement: fileURLToPath(new URL('../src/react.ts', import.meta.url)),
        },
        // The source, never dist/: a fresh clone has no build.
        {
          find: /^upkit\/styled$/,
          replacement: fileURLToPath(new URL('../src/styled/index.ts', import.meta.url)),
        },
        {
          find: /^upkit\/styles\.css$/,
          replacement: fileURLToPath(new URL('../src/styled/styles.css', import.meta.url)),
        },
      ],
    },
  });

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/api/upload/')) {
      upload(req, res).catch(() => res.writeHead(500).end());
      return;
    }
    if (path === '/metrics') {
      metrics
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text))
        .catch(() => res.writeHead(500).end());
      return;
    }
    if (path === '/api/objects') {
      // Verified objects only: pending/ holds bytes that `complete` has not checked yet.
      s3.send(new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: 'uploads/' }))
        .then((listed) => {
          const objects = (listed.Contents ?? []).map((o) => ({
            key: o.Key,
            size: o.Size,
            lastModified: o.LastModified,
          }));
          res
            .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
            .end(JSON.stringify(objects));
        })
        .catch(() => res.writeHead(502).end());
      return;
    }
    vite.middlewares(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 5173, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  log(
    `upkit demo: ${url}  (storage: ${typeof options.storage === 'object' ? 'external' : (options.storage ?? 's3rver')} at ${storage.endpoint}, bucket ${storage.bucket})`,
  );

  return {
    url,
    s3,
    bucket: storage.bucket,
    async close() {
      clearInterval(sweeper);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await vite.close();
      s3.destroy();
      await storage.stop();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const storageArg = args[args.indexOf('--storage') + 1] ?? process.env.UPKIT_STORAGE;
  const storage = args.includes('--storage') || process.env.UPKIT_STORAGE ? storageArg : 's3rver';
  if (storage !== 's3rver' && storage !== 'minio') {
    console.error(`upkit demo: --storage must be s3rver or minio, got ${storage}`);
    process.exit(2);
  }
  const demo = await startDemo({
    storage,
    port: Number(process.env.PORT ?? 5173),
    s3Port: Number(process.env.S3_PORT ?? 0),
  });
  const stop = () => void demo.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
