// The zero-setup demo: an S3-compatible store in-process (s3rver) or MinIO, the upkit/server
// upload handler, and the demo page served by Vite, all on one port.
//   npm start                         embedded s3rver
//   npm start -- --storage minio      MinIO (built by scripts/ensure-tools.sh)
//   PORT=8080 npm start               another port (S3_PORT for the store)
//   npm start -- --page app/dist      a built app of yours instead of the demo page
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import mime from 'mime';
import pino from 'pino';
import * as promClient from 'prom-client';
import S3rver from 's3rver';
import { createServer as createVite, type ViteDevServer } from 'vite';
import {
  allEvents,
  createUploadHandler,
  storageEventWebhook,
  sweepPending,
  toNodeHandler,
  uploadLogger,
  uploadLogRedactPaths,
  uploadMetrics,
} from '../src/server/index';
import { createImageWorker, derivedKey } from './imageWorker';
import { freePort, startMinio } from './minio';
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
   * The upload API behind `/api/upload`: `upkit/server` in this process, or the Python backend
   * of examples/flask-backend (Debian's or your `python3` with Flask and boto3; MinIO storage).
   * @default 'node'
   */
  backend?: 'node' | 'flask';
  /**
   * Completion from storage events (`node` backend): storage's webhook notifications reach
   * `POST /api/storage-events` with this token. Set on its own when the demo starts MinIO; pass
   * it with a MinIO of yours whose webhook target `UPKIT` points at the demo's port.
   */
  storageEvents?: { authToken: string };
  /**
   * s3rver only: `false` leaves ETag out of the bucket's CORS ExposeHeaders, reproducing the
   * misconfiguration that breaks multipart uploads (used by the tests).
   * @default true
   */
  corsExposeEtag?: boolean;
  /**
   * A built app (its output folder, e.g. a Vite app's `dist`) served instead of the demo page,
   * on the same origin as `/api/upload`: how the package tests open an app built from the packed
   * upkit. Its files are served as they are, and `index.html` for every other path.
   */
  page?: string;
}

export interface RunningDemo {
  url: string;
  s3: S3Client;
  bucket: string;
  /** The image worker (tests wait for it to be idle). */
  images: ReturnType<typeof createImageWorker>;
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

async function startStorage(
  options: DemoOptions,
  port: number,
  events?: { authToken: string },
): Promise<StorageConfig> {
  const storage = options.storage ?? 's3rver';
  if (storage === 's3rver') return startS3rver(options.s3Port ?? 0, options.corsExposeEtag ?? true);
  if (storage === 'minio') {
    // MinIO's webhook target, at the demo's own port (MinIO waits for it to listen).
    const env: Record<string, string> = events
      ? {
          MINIO_NOTIFY_WEBHOOK_ENABLE_UPKIT: 'on',
          MINIO_NOTIFY_WEBHOOK_ENDPOINT_UPKIT: `http://127.0.0.1:${port}/api/storage-events`,
          MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_UPKIT: events.authToken,
        }
      : {};
    const minio = await startMinio({ env });
    return { ...minio, bucket: BUCKET };
  }
  return { ...storage, stop: async () => undefined };
}

/** Starts storage, the upload API and the page; resolves once all three listen. */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const log = options.log === false ? () => undefined : (line: string) => console.log(line);
  // The port is chosen first: a MinIO started here sends its event notifications to it.
  const port = options.port === 0 ? await freePort() : (options.port ?? 5173);
  const events =
    options.backend === 'flask'
      ? undefined
      : (options.storageEvents ??
        (options.storage === 'minio' ? { authToken: randomBytes(24).toString('hex') } : undefined));
  const storage = await startStorage(options, port, events);
  const s3 = s3ClientFor(storage);
  if (options.storage === 'minio') await s3.send(new CreateBucketCommand({ Bucket: storage.bucket }));
  if (events) {
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: storage.bucket,
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              QueueArn: 'arn:minio:sqs::UPKIT:webhook',
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'pending/' }] } },
            },
          ],
        },
      }),
    );
  }
  // Thumbnails and a medium size of each verified image, beside it under derived/.
  const images = createImageWorker({
    s3,
    bucket: storage.bucket,
    onError: (key, error) => log(`upkit demo: no thumbnails for ${key}: ${String(error)}`),
  });

  // Structured logs of every upload event (pino, JSON lines) and Prometheus metrics at /metrics.
  const logger = pino({ enabled: options.log !== false, redact: [...uploadLogRedactPaths] });
  const metrics = new promClient.Registry();
  promClient.collectDefaultMetrics({ register: metrics });
  const handler = createUploadHandler({
    s3,
    bucket: storage.bucket,
    // A fresh secret per start: tokens from an earlier run are simply refused.
    secret: randomBytes(48),
    // The demo has one visitor. A real app returns its signed-in user here, or null.
    authorize: () => ({ id: 'demo' }),
    basePath: '/api/upload',
    maxFileSize: 2 * 1024 * 1024 * 1024,
    onEvent: allEvents(uploadMetrics(promClient, { registry: metrics }), uploadLogger(logger)),
    // Once per object, from the browser's `complete` or from storage's notification.
    onComplete: (upload) => images.enqueue(upload.key, upload.contentType),
    storageEvents: events !== undefined,
    userFromId: (id) => ({ id }),
  });
  const upload = toNodeHandler(handler);
  const storageEvents = events && toNodeHandler(storageEventWebhook(handler, events));
  // MinIO and s3rver ignore lifecycle rules: abandoned pending objects and multipart uploads
  // older than a day are removed here instead, every ten minutes.
  const sweep = () =>
    void sweepPending({ s3, bucket: storage.bucket, olderThanMs: 24 * 3600_000 }).catch(() => {});
  const sweeper = setInterval(sweep, 10 * 60_000);
  sweeper.unref();

  const vite: ViteDevServer | undefined = options.page
    ? undefined
    : await createVite({
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

  const page = options.page ? servePage(options.page) : undefined;
  const flask = options.backend === 'flask' ? await startFlask(storage, log) : undefined;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/api/upload/')) {
      if (flask) flask.forward(req, res);
      else upload(req, res).catch(() => res.writeHead(500).end());
      return;
    }
    if (path === '/api/storage-events' && storageEvents) {
      storageEvents(req, res).catch(() => res.writeHead(500).end());
      return;
    }
    if (path === '/api/derived') {
      // A derived image (thumbnail, medium size) of a verified upload; nothing else is served.
      const key = new URL(req.url ?? '/', 'http://demo').searchParams.get('key') ?? '';
      if (!/^derived\/uploads\/[^?#]+\/(thumb|medium)\.webp$/.test(key)) {
        res.writeHead(404).end();
        return;
      }
      s3.send(new GetObjectCommand({ Bucket: storage.bucket, Key: key }))
        .then(async (object) => {
          const body = await object.Body?.transformToByteArray();
          if (!body) throw new Error('empty');
          res.writeHead(200, { 'content-type': 'image/webp', 'cache-control': 'no-store' }).end(body);
        })
        .catch(() => res.writeHead(404).end());
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
      // Verified objects only (pending/ holds bytes that `complete` has not checked yet), each
      // with its thumbnail once the image worker has made it.
      const list = (prefix: string) =>
        s3.send(new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: prefix }));
      Promise.all([list('uploads/'), list('derived/')])
        .then(([listed, derived]) => {
          const made = new Set((derived.Contents ?? []).map((o) => o.Key));
          const objects = (listed.Contents ?? []).map((o) => {
            const thumb = derivedKey(o.Key ?? '', 'thumb');
            return {
              key: o.Key,
              size: o.Size,
              lastModified: o.LastModified,
              ...(made.has(thumb) ? { thumbnail: `/api/derived?key=${encodeURIComponent(thumb)}` } : {}),
              ...(images.pending(o.Key ?? '') ? { thumbnailPending: true } : {}),
            };
          });
          res
            .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
            .end(JSON.stringify(objects));
        })
        .catch(() => res.writeHead(502).end());
      return;
    }
    if (page) page(req, res).catch(() => res.writeHead(500).end());
    else vite?.middlewares(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  log(
    `upkit demo: ${url}  (storage: ${typeof options.storage === 'object' ? 'external' : (options.storage ?? 's3rver')} at ${storage.endpoint}, bucket ${storage.bucket})`,
  );

  return {
    url,
    s3,
    bucket: storage.bucket,
    images,
    async close() {
      clearInterval(sweeper);
      await flask?.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await vite?.close();
      s3.destroy();
      await storage.stop();
    },
  };
}

/** A built app's files from `dir`, and its `index.html` for paths that name no file in it. */
function servePage(dir: string) {
  const root = resolve(dir);
  return async (req: IncomingMessage, res: ServerResponse) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://demo').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const named = resolve(root, `.${path}`);
    const isFile =
      named.startsWith(root + sep) &&
      (await stat(named).then(
        (s) => s.isFile(),
        () => false,
      ));
    const file = isFile ? named : join(root, 'index.html');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': mime.getType(file) ?? 'application/octet-stream' }).end(body);
  };
}

/**
 * Runs examples/flask-backend/app.py on a free port against the demo's storage, and forwards
 * `/api/upload/*` to it as the demo's one user (its sign-in is the `x-user` header).
 */
async function startFlask(storage: StorageConfig, log: (line: string) => void) {
  const python =
    process.env.UPKIT_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const app = fileURLToPath(new URL('../examples/flask-backend/app.py', import.meta.url));
  const child = spawn(
    python,
    [
      app,
      '--port',
      '0',
      '--s3-endpoint',
      storage.endpoint,
      '--bucket',
      storage.bucket,
      '--max-file-size',
      String(2 * 1024 ** 3),
      '--quiet',
    ],
    {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: storage.accessKeyId,
        AWS_SECRET_ACCESS_KEY: storage.secretAccessKey,
        PYTHONDONTWRITEBYTECODE: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  };
  const base = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the Flask backend did not start in 30 s: ${output}`)),
      30_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(new URL(url));
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(
        new Error(`the Flask backend exited: ${output.slice(-2000)} (needs python3 with flask and boto3)`),
      );
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  log(`upkit demo: upload API is the Flask backend at ${base.origin}/api/upload`);
  return {
    stop,
    forward(req: IncomingMessage, res: ServerResponse) {
      const headers = { ...req.headers, host: base.host, 'x-user': 'demo' };
      const proxied = httpRequest(
        { hostname: base.hostname, port: base.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      proxied.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(proxied);
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
  const backend = args.includes('--backend') ? args[args.indexOf('--backend') + 1] : 'node';
  if (backend !== 'node' && backend !== 'flask') {
    console.error(`upkit demo: --backend must be node or flask, got ${backend}`);
    process.exit(2);
  }
  const pageArg = args.includes('--page') ? args[args.indexOf('--page') + 1] : undefined;
  const demo = await startDemo({
    ...(pageArg ? { page: pageArg } : {}),
    // The Flask backend copies with UploadPartCopy and conditional writes, which s3rver lacks.
    storage: backend === 'flask' && !args.includes('--storage') ? 'minio' : storage,
    backend,
    port: Number(process.env.PORT ?? 5173),
    s3Port: Number(process.env.S3_PORT ?? 0),
  });
  const stop = () => void demo.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
