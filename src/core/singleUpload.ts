import type { EngineContext } from './engineContext.js';
import { toUploadError } from './errors.js';
import type { Job } from './job.js';
import { lazyChunk } from './lazyChunk.js';
import { withRetry } from './retry.js';

// Web Crypto hashes a whole buffer, never a stream: files above this go without a checksum
// rather than hold their bytes in memory twice.
const SINGLE_CHECKSUM_LIMIT = 256 * 1024 * 1024;

// Hashing is a chunk of its own, fetched with the first file to hash.
const loadHashing = /* @__PURE__ */ lazyChunk(() => import('./sha256.js'));

/** The file's SHA-256 to sign into its URL, hashed once; none when off or too large. */
export async function fileChecksum<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
): Promise<string | undefined> {
  if (!ctx.checksum() || job.file.size > SINGLE_CHECKSUM_LIMIT) return undefined;
  let checksum = job.checksums.get(0);
  if (checksum === undefined) {
    checksum = await (await loadHashing()).sha256Base64(job.file);
    job.checksums.set(0, checksum);
  }
  return checksum;
}

/**
 * PUTs the whole file with a URL signed ahead (see presignAhead.ts), or signed now if its turn
 * came first. Files take data slots in the order they were added.
 */
async function putFile<TResult>(ctx: EngineContext<TResult>, job: Job, signal: AbortSignal) {
  const { scheduler, putRetry, dispatch, presigner } = ctx;
  return withRetry(
    async () => {
      presigner.enqueue(job);
      try {
        return await scheduler.run(
          job.id,
          'data',
          async () => {
            presigner.leave(job);
            dispatch(job.id, { type: 'sign' });
            const presigned = await presigner.urlFor(job, signal);
            dispatch(job.id, { type: 'key', key: presigned.key });
            dispatch(job.id, { type: 'start' });
            const { headers = {} } = presigned;
            const contentType = Object.entries(headers).find(
              ([name]) => name.toLowerCase() === 'content-type',
            )?.[1];
            // slice() with a type keeps the file on disk and makes XHR send the signed type.
            const body = job.file.slice(0, job.file.size, contentType ?? job.file.type);
            const response = await ctx.put(job, presigned, body, signal, 0);
            return { etag: response.etag, presigned };
          },
          signal,
        );
      } finally {
        presigner.leave(job);
      }
    },
    {
      retry: putRetry,
      signal,
      onResign: () => (job.presigned = undefined),
      waitForNetwork: ctx.waitForNetwork,
      ...ctx.random,
    },
  );
}

/**
 * One presigned PUT, its URL signed ahead in a batch, then `complete`, batched with other
 * files' in the control lane (the data slot is free by then). Once storage has the bytes, a
 * retry (after `complete` failed) only completes: the file is not sent again.
 */
export async function runSingle<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
  signal: AbortSignal,
): Promise<TResult> {
  const { dispatch } = ctx;
  let presigned = job.presigned;
  let etag = job.stored?.etag;
  if (job.stored && presigned) {
    dispatch(job.id, { type: 'sign' });
    dispatch(job.id, { type: 'start' });
  } else {
    ({ etag, presigned } = await putFile(ctx, job, signal));
    job.stored = { etag };
  }
  job.doneBytes = job.desc.size;
  dispatch(job.id, { type: 'complete' });
  const { key, token } = presigned;
  const input = {
    key,
    file: job.desc,
    ...(token === undefined ? {} : { token }),
    ...(etag === undefined ? {} : { etag }),
  };
  return withRetry(() => ctx.completeCalls.submit(input, signal), {
    retry: ctx.retry,
    signal,
    waitForNetwork: ctx.waitForNetwork,
    ...ctx.random,
  }).catch((error: unknown) => {
    // No object (it expired, or the PUT never really landed), or a token the server no longer
    // honours (it expired, or its secret rotated): a retry signs and sends the file again.
    const { status } = toUploadError(error);
    if (status === 404 || status === 403 || status === 410) job.stored = job.presigned = undefined;
    // A refused token cannot vouch for its key any more.
    if (status === 403 || status === 410) job.signedKey = undefined;
    throw error;
  });
}
