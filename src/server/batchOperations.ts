import { mapBounded } from '../core/mapBounded.js';
import type { HandlerContext } from './config.js';
import { errorBody, HttpError, serverError } from './httpError.js';
import type { OperationCall } from './operationSupport.js';
import { rateLimited } from './rateLimiter.js';
import { tooLarge } from './readBody.js';
import { badRequest, isRecord } from './requestInput.js';

/** One entry's answer in a batch: what its one-file call would have answered. */
export interface BatchResult {
  status: number;
  /** The one-file call's JSON body; `null` where it would answer 204. */
  body: unknown;
  /** Seconds to wait, on a 429 or 503 that said so (the one-file call's `Retry-After`). */
  retryAfter?: number;
}

type Single = <TUser>(ctx: HandlerContext<TUser>, call: OperationCall<TUser>) => Promise<unknown>;

/** What a batch endpoint runs for each of its entries. */
export interface BatchOf {
  /** The one-file operation, also the `operation` of per-entry events. */
  operation: 'presign' | 'complete';
  /** The request's list of one-file bodies. */
  field: 'files' | 'uploads';
  run: Single;
  /** The one-file call's body cap: an entry over it gets that call's 413. */
  entryMaxBytes: number;
}

/**
 * A batch endpoint (`presign/batch`, `complete/batch`): each entry is the body of a one-file
 * call and gets exactly its answer, as `{ status, body }`, in the order sent. One entry's
 * failure never fails another; entries run `batchConcurrency` at a time, so one batch cannot
 * start a hundred verifications and copies at once.
 */
export function batchOf({ operation, field, run, entryMaxBytes }: BatchOf) {
  return async <TUser>(ctx: HandlerContext<TUser>, call: OperationCall<TUser>) => {
    const entries = readEntries(call.body[field], field, ctx.maxBatchSize);
    const admitted = await admit(ctx, call.userId, entries.length);
    const results = await mapBounded(entries, ctx.batchConcurrency, async (entry, index) => {
      try {
        if (index >= admitted.count) throw rateLimited(admitted.retryAfterMs);
        // As the one-file endpoint reads its body: a JSON object within its cap.
        if (!isRecord(entry)) throw badRequest('The request body must be a JSON object.');
        if (new TextEncoder().encode(JSON.stringify(entry)).byteLength > entryMaxBytes) throw tooLarge();
        const value = await run(ctx, { ...call, body: entry });
        return value === undefined ? { status: 204, body: null } : { status: 200, body: value };
      } catch (error) {
        return refused(ctx, operation, call, error);
      }
    });
    return { results };
  };
}

function readEntries(entries: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw badRequest(`"${field}" must be a non-empty array of request bodies.`);
  }
  if (entries.length > max) {
    throw new HttpError(
      413,
      'batch-too-large',
      `A batch holds at most ${max} files; this one has ${entries.length}. Send the others in another batch.`,
    );
  }
  return entries;
}

/**
 * How many entries the per-user limit admits: one unit per entry, so a batch costs what its
 * one-file calls would. The handler consumed the first unit before reading the body (a user
 * already over the limit gets a plain 429); the rest are consumed here, in order, until one is
 * refused: every later entry is refused too, with the same wait.
 */
export async function admit<TUser>(
  ctx: HandlerContext<TUser>,
  userId: string,
  count: number,
): Promise<{ count: number; retryAfterMs: number }> {
  if (!ctx.limiter) return { count, retryAfterMs: 0 };
  for (let index = 1; index < count; index++) {
    const { allowed, retryAfterMs } = await ctx.limiter.consume(userId);
    if (!allowed) return { count: index, retryAfterMs };
  }
  return { count, retryAfterMs: 0 };
}

/** An entry's error answer; the event is per file, as for a one-file call. */
function refused<TUser>(
  ctx: HandlerContext<TUser>,
  operation: BatchOf['operation'],
  call: OperationCall<TUser>,
  error: unknown,
): BatchResult {
  const httpError = error instanceof HttpError ? error : serverError();
  ctx.emit({
    type: 'rejected',
    operation,
    userId: call.userId,
    status: httpError.status,
    code: httpError.code,
    ms: ctx.now() - call.started,
  });
  const retryAfter = httpError.headers['retry-after'];
  return {
    status: httpError.status,
    body: errorBody(httpError),
    ...((httpError.status === 429 || httpError.status === 503) && retryAfter && /^\d+$/.test(retryAfter)
      ? { retryAfter: Number(retryAfter) }
      : {}),
  };
}
