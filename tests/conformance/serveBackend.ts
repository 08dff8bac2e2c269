import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ConformanceOptions } from '../../src/conformance/index';
import { createUploadHandler, toNodeHandler, type UploadHandlerConfig } from '../../src/server/index';

/** Bytes in a gibibyte. */
export const GiB = 1024 ** 3;
/** The app's origin: the only one the backend accepts, and the one the kit sends. */
export const APP_ORIGIN = 'https://app.example';

type User = { id: string };
type FetchHandler = (request: Request) => Promise<Response>;

/**
 * MinIO lists up to 10,000 parts a ListParts page; S3 lists 1,000. A client that asks for S3's
 * page size: the handler's, so its list-parts has pages to follow as on S3, and the kit's, so
 * it sees that storage pages.
 */
export function withS3PartPages(s3: S3Client): S3Client {
  s3.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'ListPartsCommand') {
        const input = args.input as { MaxParts?: number };
        input.MaxParts ??= 1000;
      }
      return next(args);
    },
    { step: 'initialize', name: 'conformanceS3PartPages' },
  );
  return s3;
}

/**
 * What the kit is told about a backend configured as these suites configure theirs: two users
 * of the run (`authorization: Bearer <id>`), PNGs allowed, Windows executables refused, the app's
 * origin, and 5 GiB files (1,001 parts of 5 MiB fit, so list-parts-paging runs).
 */
export function kitOptions(baseUrl: string, run: string): ConformanceOptions {
  return {
    baseUrl,
    users: { a: { authorization: `Bearer alice-${run}` }, b: { authorization: `Bearer bob-${run}` } },
    origin: APP_ORIGIN,
    allowedType: 'image/png',
    refusedType: 'application/x-msdownload',
    maxFileSize: 5 * GiB,
  };
}

/** A backend on a loopback port, and what the kit needs to check it. */
export interface ServedBackend {
  baseUrl: string;
  options: ConformanceOptions;
  close(): Promise<void>;
}

/**
 * `createUploadHandler` behind `toNodeHandler` on 127.0.0.1, for two users of its own (so runs
 * never share keys in the bucket), signed in by `authorization: Bearer <id>`. It owns
 * `handlerS3` and destroys it on `close()`. `wrap` puts a
 * Fetch-API wrapper between the server and the handler: how the broken backends are made.
 */
export async function serveBackend(
  { bucket, handlerS3 }: { bucket: string; handlerS3: S3Client },
  overrides: Partial<UploadHandlerConfig<User>> = {},
  wrap: (handler: FetchHandler) => FetchHandler = (handler) => handler,
): Promise<ServedBackend> {
  const run = randomUUID().slice(0, 8);
  const s3 = withS3PartPages(handlerS3);
  const handler = createUploadHandler<User>({
    s3,
    bucket,
    secret: 'conformance-suite-secret-of-at-least-32-bytes',
    authorize: (request) => {
      const id = /^Bearer ([\w-]+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
      return id ? { id } : null;
    },
    allowedTypes: ['image/*'],
    allowedOrigins: [APP_ORIGIN],
    // 1,001 parts of 5 MiB fit, so list-parts-paging runs.
    maxFileSize: 5 * GiB,
    // A fresh id per run, as an app's database row: an answer that re-ran onComplete shows.
    onComplete: (upload) => ({ id: randomUUID(), key: upload.key, size: upload.size }),
    ...overrides,
  });
  const server = createServer(toNodeHandler(wrap(handler)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/upload`;
  return {
    baseUrl,
    options: kitOptions(baseUrl, run),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      s3.destroy();
    },
  };
}
