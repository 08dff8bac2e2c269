import type { Batcher } from './batcher.js';
import type { ControlCallName } from './createUploadEngine.js';
import type { Job } from './job.js';
import type { Presigner } from './presignAhead.js';
import type { ResolvedRetryOptions } from './retry.js';
import type { SessionRecord, SessionStore } from './resumeStore.js';
import type { Scheduler } from './scheduler.js';
import type {
  CompleteSingleInput,
  MultipartSession,
  MultipartUploadBackend,
  PresignedRequest,
  SingleUploadBackend,
  TransportResponse,
} from './types.js';
import type { UploadAction } from './uploadMachine.js';

/** What the single and multipart runners need from the engine that owns them. */
export interface EngineContext<TResult> {
  readonly backend: SingleUploadBackend<TResult> & MultipartUploadBackend<TResult>;
  /** Signs single PUTs' URLs ahead of their data slots, in batches. */
  readonly presigner: Presigner;
  /** Single uploads' `complete` calls, batched. */
  readonly completeCalls: Batcher<CompleteSingleInput, TResult>;
  readonly scheduler: Scheduler;
  readonly retry: ResolvedRetryOptions;
  /**
   * Retries of PUTs to storage: their backoff starts from at most 100 ms (as the AWS SDKs'),
   * since storage's throttling is met by halving the PUTs in flight and by `Retry-After`.
   */
  readonly putRetry: ResolvedRetryOptions;
  readonly random: { random?: () => number };
  /** For `withRetry`: waits for the network when the browser reports it offline. */
  waitForNetwork(signal: AbortSignal): Promise<void> | undefined;
  readonly signBatchSize: number;
  now(): number;
  partSize(): number;
  /** Whether parts are hashed and their checksums signed. */
  checksum(): boolean;
  partConcurrency(): number;
  /** Where multipart sessions are remembered; `undefined` when resuming is off. */
  sessions(): SessionStore | undefined;
  /** Scope of remembered sessions. */
  readonly resumeScope: string;
  readonly resumeMaxAgeMs: number;
  /** Aborts a remembered session on the server and forgets it (expired, or discarded). */
  expire(record: SessionRecord): Promise<void>;
  dispatch(id: string, action: UploadAction<TResult>): boolean;
  markProgress(job: Job): void;
  /** Aborts a multipart upload that no run will use. */
  abortOrphan(job: Job, session: MultipartSession): Promise<void>;
  /** A control call, retried, in the scheduler's control lane, through the control runner. */
  control<T>(
    job: Job,
    name: ControlCallName,
    call: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T>;
  /** PUTs a body, recording its progress in the job under `slot`. */
  put(
    job: Job,
    request: PresignedRequest,
    body: Blob,
    signal: AbortSignal,
    slot: number,
  ): Promise<TransportResponse>;
}

/**
 * True when a URL will have expired by the time a request reaches storage: within a quarter of
 * its lifetime, and at most 30 s, of its expiry.
 */
export function isExpiring(request: PresignedRequest & { signedAt: number }, now: number): boolean {
  if (request.expiresAt === undefined) return false;
  const lifetime = request.expiresAt - request.signedAt;
  // Expired on arrival by our clock: the clocks disagree, so let storage be the judge.
  if (lifetime <= 0) return false;
  const margin = Math.min(30_000, Math.max(0, lifetime) / 4);
  return request.expiresAt - now <= margin;
}
