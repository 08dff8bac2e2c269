import { batchOf } from './batchOperations.js';
import { resolveConfig, type HandlerContext, type Operation, type UploadHandlerConfig } from './config.js';
import { clientAddressOf, networkOf } from './clientAddress.js';
import { errorResponse, HttpError, json, serverError } from './httpError.js';
import { abortMultipart, completeMultipart, create, listParts, signParts } from './multipartOperations.js';
import type { OperationCall } from './operationSupport.js';
import { assertJsonRequest, checkProtocol, readJsonBody } from './readBody.js';
import { rateLimited, type RateLimiter } from './rateLimiter.js';
import { complete, presign } from './singleOperations.js';
import { handleStorageEvent, type StorageEventResult } from './storageEvents.js';

export type { CompletedUpload, Operation, UploadEvent, UploadHandlerConfig } from './config.js';

/** The Fetch-API handler `createUploadHandler` returns. */
export interface UploadHandler {
  (request: Request): Promise<Response>;
  /**
   * Completes the single uploads an S3 event notification (`{ Records: [...] }`, from a webhook,
   * Lambda, SQS or SNS) reports as stored, for a handler made with `storageEvents: true`.
   */
  handleStorageEvent(event: unknown, request?: Request): Promise<StorageEventResult>;
}

type Run = <TUser>(ctx: HandlerContext<TUser>, call: OperationCall<TUser>) => Promise<unknown>;

const KiB = 1024;
const SINGLE = 64 * KiB;

// Each operation with its body cap: a complete of 10,000 parts and the batches are the large
// bodies (100 entries with 1,024-character names and 2 KiB of metadata each fit in 1 MiB). The
// path is matched by its end, first match wins: `multipart/complete` must come before
// `complete`; `presign/batch` and `complete/batch` end in neither one-file name.
const OPERATIONS: ReadonlyArray<readonly [Operation, Run, number]> = [
  ['multipart/create', create, SINGLE],
  ['multipart/sign-parts', signParts, SINGLE],
  ['multipart/list-parts', listParts, SINGLE],
  ['multipart/complete', completeMultipart, 1024 * KiB],
  ['multipart/abort', abortMultipart, SINGLE],
  [
    'presign/batch',
    batchOf({ operation: 'presign', field: 'files', run: presign, entryMaxBytes: SINGLE }),
    1024 * KiB,
  ],
  [
    'complete/batch',
    batchOf({ operation: 'complete', field: 'uploads', run: complete, entryMaxBytes: SINGLE }),
    1024 * KiB,
  ],
  ['presign', presign, SINGLE],
  ['complete', complete, SINGLE],
];

/**
 * The user id keys, tokens and limits are made from: a non-empty, well-formed string. Anything
 * else is the app's bug, and users must not end up sharing one id (`uploads/undefined/…`).
 */
function checkedUserId(id: unknown): string {
  // A database's integer id, as `getUserId` apps wrote before ids were checked.
  if ((typeof id === 'number' && Number.isSafeInteger(id)) || typeof id === 'bigint') return String(id);
  if (typeof id === 'string' && id !== '' && id.length <= 1024 && !/\p{Cs}/u.test(id)) return id;
  throw new HttpError(
    500,
    'server-misconfigured',
    'The upload server cannot tell users apart: the user id must be an integer or a non-empty string of at most 1,024 characters (see `getUserId`).',
  );
}

/** The key an address's failed sign-ins count under: the address, or an IPv6 address's /64. */
function addressKey<TUser>(ctx: HandlerContext<TUser>, request: Request): string | undefined {
  const address = ctx.getClientAddress ? ctx.getClientAddress(request) : clientAddressOf(request);
  return address ? networkOf(address) : undefined;
}

async function consume(limiter: RateLimiter | undefined, key: string): Promise<void> {
  if (!limiter) return;
  const { allowed, retryAfterMs } = await limiter.consume(key);
  if (!allowed) throw rateLimited(retryAfterMs);
}

/**
 * The server half of upkit: answers the nine endpoints of docs/protocol.md with presigned
 * URLs from the AWS SDK. Returns a Fetch-API handler (Next.js route handlers, Hono, Bun, Deno,
 * Workers); use `toNodeHandler` for Node's http module or Express. Mount it at any path: the
 * operation is read from the end of the URL. It never throws: every failure is a JSON answer.
 *
 * @example
 * const handler = createUploadHandler({ s3, bucket: 'uploads', secret: process.env.UPLOAD_SECRET!, authorize: (req) => getSession(req)?.user })
 * export const POST = handler; // app/api/upload/[...op]/route.ts
 */
export function createUploadHandler<TUser>(config: UploadHandlerConfig<TUser>): UploadHandler {
  const ctx = resolveConfig(config);

  async function handle(
    request: Request,
    entry: (typeof OPERATIONS)[number] | undefined,
    started: number,
    seen: { userId?: string },
  ) {
    if (!entry) throw new HttpError(404, 'not-found', 'Unknown upload endpoint.');
    if (request.method !== 'POST') {
      throw new HttpError(405, 'method-not-allowed', 'Use POST.', { allow: 'POST' });
    }
    const origin = request.headers.get('origin');
    if (ctx.allowedOrigins && origin !== null && !ctx.allowedOrigins.includes(origin)) {
      throw new HttpError(403, 'forbidden-origin', 'Uploads are not accepted from this site.');
    }
    assertJsonRequest(request);
    const user = await ctx.authorize(request);
    // An empty string too: an `authorize` that returns a header's value gets '' without one.
    if (user === null || user === undefined || (user as unknown) === false || (user as unknown) === '') {
      // Failed sign-ins are counted per address (an IPv6 address's /64). Signed-in requests
      // never count and are never refused by it: behind a proxy whose address every client
      // shares, refusing them would take the app down for everyone.
      const address = ctx.addressLimiter ? addressKey(ctx, request) : undefined;
      if (address !== undefined) await consume(ctx.addressLimiter, `anonymous:${address}`);
      throw new HttpError(401, 'unauthorized', 'Sign in to upload files.');
    }
    const userId = checkedUserId(ctx.getUserId(user));
    seen.userId = userId;
    // One unit per call; a batch's first entry, whose operation consumes one per further entry.
    await consume(ctx.limiter, userId);
    const body = await readJsonBody(request, { maxBytes: entry[2], timeoutMs: ctx.bodyTimeoutMs });
    checkProtocol(body);
    return entry[1](ctx, { request, user, userId, body, started });
  }

  async function uploadHandler(request: Request): Promise<Response> {
    const started = ctx.now();
    let entry: (typeof OPERATIONS)[number] | undefined;
    const seen: { userId?: string } = {};
    try {
      const path = new URL(request.url).pathname.replace(/\/+$/, '');
      entry =
        ctx.basePath === undefined
          ? OPERATIONS.find(([op]) => path.endsWith(`/${op}`))
          : OPERATIONS.find(([op]) => path === `${ctx.basePath}/${op}`);
      const result = await handle(request, entry, started, seen);
      return result === undefined
        ? new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } })
        : json(result);
    } catch (error) {
      const httpError = error instanceof HttpError ? error : serverError();
      ctx.emit({
        type: 'rejected',
        operation: entry?.[0] ?? 'unknown',
        ...(seen.userId === undefined ? {} : { userId: seen.userId }),
        status: httpError.status,
        code: httpError.code,
        ms: ctx.now() - started,
      });
      return errorResponse(httpError);
    }
  }

  return Object.assign(uploadHandler, {
    handleStorageEvent: (event: unknown, request?: Request) =>
      handleStorageEvent(
        ctx,
        event,
        request ?? new Request('http://storage-event.invalid/', { method: 'POST' }),
      ),
  });
}
