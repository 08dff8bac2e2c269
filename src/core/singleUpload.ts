import { settleOnAbort } from './abort';
import { isExpiring, type EngineContext } from './engineContext';
import type { Job } from './job';
import { withRetry } from './retry';

/**
 * One presigned PUT. Presign and PUT share one data slot, so a URL is signed only when its bytes
 * are about to go; `complete` then runs in the control lane.
 */
export async function runSingle<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
  signal: AbortSignal,
): Promise<TResult> {
  const { backend, scheduler, retry, dispatch } = ctx;
  const { etag, presigned } = await withRetry(
    () =>
      scheduler.run(
        job.id,
        'data',
        async () => {
          dispatch(job.id, { type: 'sign' });
          let presigned = job.presigned;
          if (!presigned || isExpiring(presigned, ctx.now())) {
            const fresh = await settleOnAbort(
              signal,
              ctx.runControl('presign', () => backend.presign(job.desc, { signal })),
            );
            presigned = job.presigned = { ...fresh, signedAt: ctx.now() };
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
    { retry, signal, onResign: () => (job.presigned = undefined), ...ctx.random },
  );
  job.doneBytes = job.desc.size;
  dispatch(job.id, { type: 'complete' });
  const { key, token } = presigned;
  return ctx.control(
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
  );
}
