import { settleOnAbort } from './abort';
import { sha256Base64 } from './checksum';
import { isExpiring, type EngineContext } from './engineContext';
import { toUploadError } from './errors';
import type { Job } from './job';
import { withRetry } from './retry';

// Web Crypto hashes a whole buffer, never a stream: files above this go without a checksum
// rather than hold their bytes in memory twice.
const SINGLE_CHECKSUM_LIMIT = 256 * 1024 * 1024;

/** The file's SHA-256 to sign into its URL, hashed once; none when off or too large. */
function fileChecksum<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
): { checksum?: string } | Promise<{ checksum?: string }> {
  // Not a promise when there is nothing to hash: the presign goes out in this same turn.
  if (!ctx.checksum() || job.file.size > SINGLE_CHECKSUM_LIMIT) return {};
  return hashFile(job);
}

async function hashFile(job: Job): Promise<{ checksum?: string }> {
  let checksum = job.checksums.get(0);
  if (checksum === undefined) {
    checksum = await sha256Base64(job.file);
    job.checksums.set(0, checksum);
  }
  return { checksum };
}

/** Presigns (when the cached URL is missing or expiring) and PUTs the whole file. */
async function putFile<TResult>(ctx: EngineContext<TResult>, job: Job, signal: AbortSignal) {
  const { backend, scheduler, retry, dispatch } = ctx;
  return withRetry(
    () =>
      scheduler.run(
        job.id,
        'data',
        async () => {
          dispatch(job.id, { type: 'sign' });
          let presigned = job.presigned;
          if (!presigned || isExpiring(presigned, ctx.now())) {
            // Hashed in the file's own slot, so files still start in the order they were added.
            const wanted = fileChecksum(ctx, job);
            const checksum = wanted instanceof Promise ? await wanted : wanted;
            // Signed before (the URL expired): ask for the same key, so nothing is left under another.
            const resign = job.signedKey;
            const fresh = await settleOnAbort(
              signal,
              ctx.runControl('presign', () =>
                backend.presign(job.desc, { signal }, { ...checksum, ...(resign ? { resign } : {}) }),
              ),
            );
            presigned = job.presigned = { ...fresh, signedAt: ctx.now() };
            job.signedKey = { key: fresh.key, ...(fresh.token === undefined ? {} : { token: fresh.token }) };
            dispatch(job.id, { type: 'key', key: fresh.key });
          }
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
      ),
    {
      retry,
      signal,
      onResign: () => (job.presigned = undefined),
      waitForNetwork: ctx.waitForNetwork,
      ...ctx.random,
    },
  );
}

/**
 * One presigned PUT. Presign and PUT share one data slot, so a URL is signed only when its bytes
 * are about to go; `complete` then runs in the control lane. Once storage has the bytes, a
 * retry (after `complete` failed) only completes: the file is not sent again.
 */
export async function runSingle<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
  signal: AbortSignal,
): Promise<TResult> {
  const { backend, dispatch } = ctx;
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
  return ctx
    .control(
      job,
      'complete',
      (s) =>
        backend.complete(
          {
            key,
            file: job.desc,
            ...(token === undefined ? {} : { token }),
            ...(etag === undefined ? {} : { etag }),
          },
          { signal: s },
        ),
      signal,
    )
    .catch((error: unknown) => {
      // No object (it expired, or the PUT never really landed), or a token the server no longer
      // honours (it expired, or its secret rotated): a retry signs and sends the file again.
      const { status } = toUploadError(error);
      if (status === 404 || status === 403 || status === 410) job.stored = job.presigned = undefined;
      // A refused token cannot vouch for its key any more.
      if (status === 403 || status === 410) job.signedKey = undefined;
      throw error;
    });
}
