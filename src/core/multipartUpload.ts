import { onAbort } from './abort.js';
import { choosePartSize } from './chunkPlan.js';
import type { EngineContext } from './engineContext.js';
import { isExpiring } from './engineContext.js';
import { abortedError, toUploadError, UploadError } from './errors.js';
import { sessionRef, type Job, type OpenSession } from './job.js';
import { sessionLockName, tryLock } from './locks.js';
import { planParts, type PartSpec } from './planParts.js';
import { handleOf, isExpired, isSessionRecord } from './resumeRecord.js';
import { quietly, type SessionRecord } from './resumeStore.js';
import { retriedAlready, withRetry } from './retry.js';
import { sha256Base64 } from './sha256.js';
import type { MultipartSession, UploadedPart } from './types.js';

// S3 multipart: create (or reopen after a reload), parts PUT in parallel through URLs signed in
// batches just ahead of need, complete with the parts' ETags in order.

/**
 * Takes this tab's lock on the file's remembered session, at the start of every run (an unmount
 * lets it go). Another tab holding it is uploading the same file: this job then uploads afresh
 * and remembers nothing, leaving that session (even one this job had opened) to the other tab.
 */
async function lockSession<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
  signal: AbortSignal,
): Promise<void> {
  if (!job.resumeKey || job.releaseLock || !ctx.sessions()) return;
  const lock = await tryLock(sessionLockName(job.resumeKey));
  if (lock !== 'held') {
    // Paused, canceled or unmounted while the lock was coming: nobody would release it.
    if (signal.aborted || job.suspended) lock?.();
    else job.releaseLock = lock;
    return;
  }
  // Key first: with no key, dropping the session leaves the other tab's record alone.
  job.resumeKey = undefined;
  dropSession(ctx, job);
}

/** Reopens the upload remembered for this file, with the parts storage already holds. */
async function reopenSession<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
  signal: AbortSignal,
): Promise<OpenSession | undefined> {
  const store = ctx.sessions();
  const id = job.resumeKey;
  if (!store || !id) return undefined;
  const saved = await quietly(() => store.get(id));
  if (!isSessionRecord(saved)) return undefined;
  if (isExpired(saved, ctx.resumeMaxAgeMs, ctx.now())) {
    void ctx.expire(saved);
    return undefined;
  }
  let plan: PartSpec[];
  try {
    plan = planParts(job.desc.size, saved.partSize);
  } catch {
    // A part size this file cannot be split by (a record from another version): start afresh.
    void ctx.expire(saved);
    return undefined;
  }
  try {
    const listed = await ctx.control(
      job,
      'listParts',
      (s) => ctx.backend.listParts(sessionRef(saved), { signal: s }),
      signal,
    );
    job.checksums.clear();
    for (const part of listed) {
      const spec = plan[part.partNumber - 1];
      // Only trust parts whose size matches the plan; anything else is uploaded again.
      if (!spec || (part.size !== undefined && part.size !== spec.end - spec.start)) continue;
      // A file with the same name, size and date can hold other bytes (edited in place,
      // restored with its times): a checksummed upload keeps only parts whose bytes match.
      if (saved.checksumAlgorithm && part.checksum !== (await partChecksum(job, spec))) continue;
      job.etags.set(part.partNumber, part);
    }
    // Picked again through the File System Access API: keep the handle for the next restart.
    const handle = handleOf(job.file);
    if (handle && !saved.handle) void quietly(() => store.put({ ...saved, handle }));
    return {
      ...sessionRef(saved),
      partSize: saved.partSize,
      ...(saved.checksumAlgorithm ? { checksumAlgorithm: saved.checksumAlgorithm } : {}),
    };
  } catch (error) {
    const { code, status } = toUploadError(error);
    // 404: the upload is gone (completed, aborted, removed by a lifecycle rule). 403/410: the
    // server no longer honours its token; an expired but authentic token may still abort it.
    // Either way, start afresh. Anything else (offline, 5xx, 401) fails the file and keeps the
    // session, so a retry can still resume.
    if (code === 'backend-error' && (status === 404 || status === 403 || status === 410)) {
      if (status === 404) void quietly(() => store.delete(id));
      else void ctx.expire(saved);
      return undefined;
    }
    throw error;
  }
}

async function openSession<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
  signal: AbortSignal,
): Promise<OpenSession> {
  let session = await reopenSession(ctx, job, signal);
  if (!session) {
    const planned = choosePartSize(job.desc.size, ctx.partSize());
    const checksum = ctx.checksum();
    const created = await ctx.control(
      job,
      'createMultipart',
      (s) => {
        const creating = ctx.backend.createMultipart(
          job.desc,
          { signal: s },
          { partSize: planned, ...(checksum ? { checksumAlgorithm: 'SHA256' as const } : {}) },
        );
        // Answered after this run was aborted (pause, cancel): nobody will use that upload, so
        // abort it instead of leaving it open on storage.
        creating.then(
          (late) => {
            if (s.aborted) void ctx.abortOrphan(job, late);
          },
          () => undefined,
        );
        return creating;
      },
      signal,
    );
    session = {
      ...sessionRef(created),
      partSize: agreedPartSize(job.desc.size, created, planned),
      // Only what was asked for: a server that volunteers checksums gets none to check.
      ...(checksum && created.checksumAlgorithm === 'SHA256' ? { checksumAlgorithm: 'SHA256' as const } : {}),
    };
    job.checksums.clear();
    await remember(ctx, job, session);
  }
  job.session = session;
  ctx.dispatch(job.id, { type: 'key', key: session.key });
  return session;
}

/** Remembers a new session before any part is sent, so a reload from here on can resume it. */
async function remember<TResult>(ctx: EngineContext<TResult>, job: Job, session: OpenSession): Promise<void> {
  const store = ctx.sessions();
  const id = job.resumeKey;
  if (!store || !id) return;
  const { name, size, type, lastModified } = job.desc;
  const handle = handleOf(job.file);
  const record: SessionRecord = {
    ...session,
    id,
    scope: ctx.resumeScope,
    file: { name, size, type, ...(lastModified === undefined ? {} : { lastModified }) },
    savedAt: ctx.now(),
    ...(handle ? { handle } : {}),
  };
  // A previous session under this fingerprint (and its parts) goes first.
  await quietly(() => store.delete(id));
  await quietly(() => store.put(record));
}

/**
 * The part size the server answered (it signs each part's length, so the file must be split its
 * way), checked against S3's rules; the client's own plan when the server named none.
 */
function agreedPartSize(fileSize: number, created: MultipartSession, planned: number): number {
  const partSize = created.partSize ?? planned;
  try {
    planParts(fileSize, partSize);
  } catch {
    throw new UploadError(
      'invalid-response',
      `The upload backend's multipart/create response has a "partSize" of ${partSize} bytes; parts must be 5 MiB to 5 GiB, and at most 10,000 of them. See docs/protocol.md.`,
    );
  }
  return partSize;
}

/**
 * Storage or the backend says the upload no longer exists (404: a lifecycle rule removed it
 * during a long pause, or it was aborted elsewhere): forget it, so a retry starts a new one.
 */
function forgetIfGone<TResult>(ctx: EngineContext<TResult>, job: Job, error: unknown): void {
  if (toUploadError(error).status === 404) dropSession(ctx, job);
}

/** Forgets the job's multipart upload, here and in the resume storage. */
function dropSession<TResult>(ctx: EngineContext<TResult>, job: Job): void {
  job.session = undefined;
  job.etags.clear();
  job.checksums.clear();
  job.urls.clear();
  job.doneBytes = 0;
  const store = ctx.sessions();
  const id = job.resumeKey;
  if (store && id) void quietly(() => store.delete(id));
}

// Hashes on their way, by job and byte range: a part hashed ahead is not hashed again when its
// batch is signed. Keyed by range, so a new part size never reuses an old part's hash.
const hashing = new WeakMap<Job, Map<string, Promise<string>>>();

/** The base64 SHA-256 of one part of the job's file, hashed once. */
async function partChecksum(job: Job, spec: PartSpec): Promise<string> {
  const done = job.checksums.get(spec.partNumber);
  if (done !== undefined) return done;
  const inFlight = hashing.get(job) ?? new Map<string, Promise<string>>();
  hashing.set(job, inFlight);
  const range = `${spec.start}-${spec.end}`;
  let pending = inFlight.get(range);
  if (!pending) {
    pending = sha256Base64(job.file.slice(spec.start, spec.end)).finally(() => inFlight.delete(range));
    inFlight.set(range, pending);
  }
  const checksum = await pending;
  job.checksums.set(spec.partNumber, checksum);
  return checksum;
}

/**
 * Hashes the parts after a batch while its PUTs run, so the next `signParts` finds their
 * checksums ready instead of holding the PUTs back while it hashes (one Web Worker, in order).
 */
function hashAhead(job: Job, session: MultipartSession, upcoming: readonly PartSpec[]): void {
  if (session.checksumAlgorithm !== 'SHA256') return;
  for (const spec of upcoming) partChecksum(job, spec).catch(() => undefined);
}

/** `{ checksums }` for a signParts call of a checksummed upload, else nothing. */
async function partChecksums(
  job: Job,
  session: MultipartSession,
  specs: readonly PartSpec[],
): Promise<{ checksums?: Record<number, string> }> {
  if (session.checksumAlgorithm !== 'SHA256') return {};
  // All asked at once, in part order: the worker hashes them before anything hashed ahead after.
  const hashed = await Promise.all(
    specs.map(async (spec) => [spec.partNumber, await partChecksum(job, spec)] as const),
  );
  return { checksums: Object.fromEntries(hashed) };
}

/** Signs `part` and the next parts waiting, in one call; parts already being signed wait. */
async function partUrl<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
  session: MultipartSession,
  part: PartSpec,
  queue: readonly PartSpec[],
  signal: AbortSignal,
) {
  for (;;) {
    const cached = job.urls.get(part.partNumber);
    if (cached && !isExpiring(cached, ctx.now())) return cached;
    const pending = job.signing.get(part.partNumber);
    if (pending) {
      await pending;
      if (job.urls.has(part.partNumber)) continue;
    }
    const specs = [part];
    for (const next of queue) {
      if (specs.length >= ctx.signBatchSize) break;
      const known = job.urls.get(next.partNumber);
      if (!job.signing.has(next.partNumber) && (!known || isExpiring(known, ctx.now()))) specs.push(next);
    }
    const numbers = specs.map((spec) => spec.partNumber);
    const ref = sessionRef(session);
    // Retried here, as one call (one mutation for the app's MutationCache, however many attempts);
    // once it gives up, the part's own loop does not retry it again.
    const checksummed = partChecksums(job, session, specs);
    hashAhead(
      job,
      session,
      queue.filter((next) => !numbers.includes(next.partNumber)).slice(0, ctx.signBatchSize),
    );
    const batch = checksummed
      .then((checksums) =>
        ctx
          .control(
            job,
            'signParts',
            (s) => ctx.backend.signParts({ ...ref, partNumbers: numbers, ...checksums }, { signal: s }),
            signal,
          )
          .catch((error: unknown) => {
            throw retriedAlready(error);
          }),
      )
      .then((signed) => {
        const signedAt = ctx.now();
        for (const url of signed) {
          // Only the part numbers asked for; anything else in the answer is ignored.
          if (numbers.includes(url.partNumber)) job.urls.set(url.partNumber, { ...url, signedAt });
        }
      });
    const settled = batch.finally(() => {
      for (const n of numbers) job.signing.delete(n);
    });
    for (const n of numbers)
      job.signing.set(
        n,
        settled.catch(() => undefined),
      );
    await settled;
    const url = job.urls.get(part.partNumber);
    if (!url) {
      throw new UploadError(
        'invalid-response',
        `The backend's signParts answer has no URL for part ${part.partNumber}. It must return one entry per requested part number.`,
      );
    }
    return url;
  }
}

async function uploadPart<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
  session: MultipartSession,
  part: PartSpec,
  queue: readonly PartSpec[],
  signal: AbortSignal,
): Promise<void> {
  const body = job.file.slice(part.start, part.end);
  const etag = await withRetry(
    async () => {
      const url = await partUrl(ctx, job, session, part, queue, signal);
      return ctx.scheduler.run(
        job.id,
        'data',
        async () => {
          // A part can wait in the queue; check again just before sending.
          if (isExpiring(url, ctx.now())) {
            throw new UploadError('url-expired', `The URL for part ${part.partNumber} expired while queued.`);
          }
          const response = await ctx.put(job, url, body, signal, part.partNumber);
          if (!response.etag) throw missingEtagError(part.partNumber);
          return response.etag;
        },
        signal,
      );
    },
    {
      retry: ctx.putRetry,
      signal,
      onResign: () => job.urls.delete(part.partNumber),
      waitForNetwork: ctx.waitForNetwork,
      ...ctx.random,
    },
  );
  job.urls.delete(part.partNumber);
  const checksum = job.checksums.get(part.partNumber);
  const stored: UploadedPart = {
    partNumber: part.partNumber,
    etag,
    size: body.size,
    ...(checksum === undefined ? {} : { checksum }),
  };
  job.etags.set(part.partNumber, stored);
  const store = ctx.sessions();
  const id = job.resumeKey;
  if (store && id) void quietly(() => store.putPart({ ...stored, id }));
  job.doneBytes += body.size;
  ctx.markProgress(job);
}

/**
 * Runs a multipart upload, and recovers once from each answer that retrying cannot fix:
 * - the server stops honouring the upload's token on `signParts` or `completeMultipart` (403 or
 *   410: it expired during a long pause, or the server's secret rotated): the dead upload is
 *   aborted (an expired but authentic token may still abort it) and a new one starts, reusing
 *   none of its parts;
 * - storage refuses the parts on complete (`invalid-part`: a part was replaced or lost): the parts
 *   storage holds are listed, only those that still match are kept, the others are sent again.
 */
export async function runMultipart<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
  signal: AbortSignal,
): Promise<TResult> {
  const recovered = new Set<string>();
  for (;;) {
    try {
      return await runSession(ctx, job, signal);
    } catch (error) {
      const session = job.session;
      const { code, status, serverCode } = toUploadError(error);
      if (!session || signal.aborted || code !== 'backend-error') throw error;
      if ((status === 403 || status === 410) && !recovered.has('token')) {
        recovered.add('token');
        dropSession(ctx, job);
        void ctx.abortOrphan(job, session);
      } else if (serverCode === 'invalid-part' && !recovered.has('parts')) {
        recovered.add('parts');
        await reconcileParts(ctx, job, session, signal);
      } else {
        throw error;
      }
    }
  }
}

/** Keeps only the parts storage still holds as they were sent; the others go again. */
async function reconcileParts<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
  session: MultipartSession,
  signal: AbortSignal,
): Promise<void> {
  const listed = await ctx.control(
    job,
    'listParts',
    (s) => ctx.backend.listParts(sessionRef(session), { signal: s }),
    signal,
  );
  const held = new Map(listed.map((part) => [part.partNumber, part]));
  for (const [number, part] of job.etags) {
    const stored = held.get(number);
    if (!stored || stored.etag !== part.etag || stored.checksum !== part.checksum) job.etags.delete(number);
  }
}

async function runSession<TResult>(
  ctx: EngineContext<TResult>,
  job: Job,
  signal: AbortSignal,
): Promise<TResult> {
  const { dispatch } = ctx;
  dispatch(job.id, { type: 'sign' });
  await lockSession(ctx, job, signal);
  if (signal.aborted) throw abortedError();
  const session = job.session ?? (await openSession(ctx, job, signal));
  if (signal.aborted) throw abortedError();
  const plan = planParts(job.desc.size, session.partSize);
  job.doneBytes = plan.reduce((sum, p) => sum + (job.etags.has(p.partNumber) ? p.end - p.start : 0), 0);
  // This run's own queue: a run left behind by pause/resume must not touch the next one's.
  const queue = plan.filter((p) => !job.etags.has(p.partNumber));
  dispatch(job.id, { type: 'start' });
  ctx.markProgress(job);

  // One failed part stops its siblings at once instead of letting them run to the end.
  const parts = new AbortController();
  const stop = () => parts.abort();
  const unlink = onAbort(signal, stop);
  try {
    const worker = async () => {
      for (let part = queue.shift(); part; part = queue.shift()) {
        await uploadPart(ctx, job, session, part, queue, parts.signal);
      }
    };
    const workers = Array.from({ length: Math.min(ctx.partConcurrency(), queue.length) }, worker);
    // The first failure is the cause; the siblings it stopped fail with `aborted` after it.
    let failure: { error: unknown } | undefined;
    await Promise.allSettled(
      workers.map((w) =>
        w.catch((error: unknown) => {
          failure ??= { error };
          stop();
        }),
      ),
    );
    if (signal.aborted) throw abortedError();
    if (failure) throw failure.error;
  } catch (error) {
    forgetIfGone(ctx, job, error);
    throw error;
  } finally {
    unlink();
    queue.length = 0;
  }

  dispatch(job.id, { type: 'complete' });
  const uploaded = [...job.etags.values()].sort((a, b) => a.partNumber - b.partNumber);
  const result = await ctx
    .control(
      job,
      'completeMultipart',
      (s) =>
        ctx.backend.completeMultipart(
          { ...sessionRef(session), parts: uploaded, file: job.desc },
          { signal: s },
        ),
      signal,
    )
    .catch((error: unknown) => {
      forgetIfGone(ctx, job, error);
      throw error;
    });
  // Forgotten before the lock goes: no other tab may list a finished upload in between.
  const store = ctx.sessions();
  const id = job.resumeKey;
  if (store && id) await quietly(() => store.delete(id));
  return result;
}

/** The error for a part whose ETag the browser was not allowed to read. */
export function missingEtagError(partNumber: number): UploadError {
  return new UploadError(
    'missing-etag',
    `Storage accepted part ${partNumber} but the browser cannot read its ETag header, so the ` +
      'upload cannot be completed. Add "ETag" to the bucket CORS rule\'s ExposeHeaders ' +
      '(S3 and R2: "ExposeHeaders": ["ETag"]; GCS: "responseHeader": ["ETag"]), then retry.',
  );
}
