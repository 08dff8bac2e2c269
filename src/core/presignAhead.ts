import { settleOnAbort } from './abort.js';
import type { Batcher } from './batcher.js';
import { isExpiring } from './engineContext.js';
import type { Job } from './job.js';
import type { PresignRequest, PresignResult } from './types.js';

/** Signs single PUTs' URLs just ahead of need, in batches. */
export interface Presigner {
  /** The job waits for a data slot: sign its URL ahead if it is near the front. */
  enqueue(job: Job): void;
  /** The job has its data slot (or left the queue): it no longer counts as waiting. */
  leave(job: Job): void;
  /** A fresh URL for the job, now: the one signed ahead, or one signed at once. */
  urlFor(job: Job, signal: AbortSignal): Promise<NonNullable<Job['presigned']>>;
}

export interface PresignerOptions {
  calls: Batcher<PresignRequest, PresignResult>;
  /** URLs signed per call, and how far ahead of the data slots signing runs (twice this). */
  batchSize: number;
  now(): number;
  /** The file's checksum to sign into its URL (hashing it), or none. */
  checksum(job: Job): Promise<string | undefined>;
}

// Signed ahead only while the files waiting with a URL hold less than this: a URL signed for a
// file that will wait behind gigabytes would expire before its turn.
const AHEAD_BYTES = 64 * 1024 * 1024;

/**
 * Small files spend more time waiting for the app server than sending bytes. So the files next
 * in line for a data slot are signed before their turn, `batchSize` per call, refilled when
 * half the window is used: a file whose slot comes finds its URL ready, and the app server sees
 * one call per batch instead of one per file.
 */
export function createPresigner(options: PresignerOptions): Presigner {
  const { calls, batchSize, now } = options;
  const window = batchSize * 2;
  const waiting = new Set<Job>();
  const signing = new Map<Job, Promise<void>>();
  // A failure signing ahead, told to the job when its turn comes (its retry loop decides).
  const failed = new WeakMap<Job, unknown>();

  const fresh = (job: Job) => job.presigned !== undefined && !isExpiring(job.presigned, now());

  function sign(job: Job): Promise<void> {
    let running = signing.get(job);
    if (running) return running;
    // A long-lived controller: the batch goes on if this job is paused; its URL is kept.
    const signal = new AbortController().signal;
    running = (async () => {
      const checksum = await options.checksum(job);
      // Signed before (the URL expired): say so; a server may sign the same key (upkit/server
      // answers a new one: it never signs a key for a second PUT).
      const resign = job.signedKey;
      const result = await calls.submit(
        { file: job.desc, ...(checksum ? { checksum } : {}), ...(resign ? { resign } : {}) },
        signal,
      );
      job.presigned = { ...result, signedAt: now() };
      job.signedKey = { key: result.key, ...(result.token === undefined ? {} : { token: result.token }) };
    })()
      .catch((error: unknown) => void failed.set(job, error))
      .finally(() => signing.delete(job));
    signing.set(job, running);
    return running;
  }

  /** Signs the next files in line when fewer than half the window have (or are getting) URLs. */
  function pump(): void {
    let ready = 0;
    let bytes = 0;
    const next: Job[] = [];
    let seen = 0;
    for (const job of waiting) {
      if (seen++ >= window) break;
      if (signing.has(job) || fresh(job)) {
        ready++;
        bytes += job.desc.size;
      } else if (!failed.has(job) && bytes + job.desc.size <= AHEAD_BYTES) {
        next.push(job);
        bytes += job.desc.size;
      }
    }
    if (ready > window - batchSize || next.length === 0) return;
    for (const job of next.slice(0, batchSize)) void sign(job);
  }

  return {
    enqueue(job) {
      waiting.add(job);
      pump();
    },
    leave(job) {
      if (waiting.delete(job)) pump();
    },
    async urlFor(job, signal) {
      for (let round = 0; ; round++) {
        const error = failed.get(job);
        if (error !== undefined) {
          failed.delete(job);
          throw error;
        }
        // Signed just now yet already expiring (a very short lifetime): storage is the judge.
        if (fresh(job) || (round > 0 && job.presigned)) return job.presigned as NonNullable<Job['presigned']>;
        if (!signing.has(job)) {
          // Signed ahead but aging while it waited (a long queue, a pause): signed again.
          job.presigned = undefined;
          void sign(job);
          // The files behind it ride along in the same call.
          pump();
        }
        await settleOnAbort(signal, sign(job));
      }
    },
  };
}
