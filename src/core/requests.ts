import { settleOnAbort } from './abort.js';
import { createBatcher } from './batcher.js';
import type { createCongestion } from './congestion.js';
import type { ControlCallName, ControlRunner } from './engineOptions.js';
import { toUploadError } from './errors.js';
import type { Job } from './job.js';
import { retriedAlready, withRetry, type ResolvedRetryOptions } from './retry.js';
import type { Lane, Scheduler } from './scheduler.js';
import type { BatchOutcome, PresignedRequest, Transport } from './types.js';

export interface RequestsOptions {
  scheduler: Scheduler;
  congestion: ReturnType<typeof createCongestion>;
  runControl: ControlRunner;
  retry: ResolvedRetryOptions;
  random: { random?: () => number };
  waitForNetwork(signal: AbortSignal): Promise<void> | undefined;
  transport: Transport;
  stallTimeoutMs: number;
  /** Entries per batch call. */
  batchSize: number;
  /** Control calls at once, for a backend without batch calls. */
  controlConcurrency: number;
  markProgress(job: Job): void;
}

/**
 * How every request leaves the engine: backend calls in the control lane through the control
 * runner (retried, or once), batch calls, and PUTs in the data lane with their progress and
 * congestion signals.
 */
export function createRequests({
  scheduler,
  congestion,
  runControl,
  retry,
  random,
  waitForNetwork,
  transport,
  stallTimeoutMs,
  batchSize,
  controlConcurrency,
  markProgress,
}: RequestsOptions) {
  const neverAborted = new AbortController().signal;

  /** One attempt of a control call in the control lane. */
  function scheduledCall<T>(
    job: Job,
    call: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    // settleOnAbort: a backend call that ignores its signal must not hold a slot after cancel.
    return scheduler.run(job.id, 'control' satisfies Lane, () => settleOnAbort(signal, call(signal)), signal);
  }

  // The control runner wraps the whole retried call, so an app's mutation cache sees one
  // mutation per call, failing only when upkit gives up.
  function control<T>(
    job: Job,
    name: ControlCallName,
    call: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    return runControl(name, () =>
      withRetry(() => scheduledCall(job, call, signal), {
        retry,
        signal,
        waitForNetwork,
        ...random,
      }),
    );
  }

  async function put(job: Job, request: PresignedRequest, body: Blob, signal: AbortSignal, slot: number) {
    // Captured now: pause swaps in a fresh map, and this request's late events must not leak into it.
    const inflight = job.inflight;
    try {
      const response = await settleOnAbort(
        signal,
        transport({
          url: request.url,
          method: request.method ?? 'PUT',
          headers: request.headers ?? {},
          body,
          signal,
          stallTimeoutMs,
          onProgress: (loaded) => {
            if (signal.aborted) return;
            inflight.set(slot, Math.min(loaded, body.size));
            markProgress(job);
          },
        }),
      );
      congestion.succeeded();
      return response;
    } catch (error) {
      const { code, status } = toUploadError(error);
      if (code === 'storage-rejected' && (status === 429 || status === 503)) congestion.throttled();
      throw error;
    } finally {
      inflight.delete(slot);
      markProgress(job);
    }
  }

  /**
   * One batch call, retried as a whole inside one control-runner call (one mutation spans its
   * retries). A failure it gave up on is marked so the files' own loops do not retry it again;
   * an entry's own failure comes back as that entry's outcome, for its file to retry.
   */
  function batchCall<T>(name: ControlCallName, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return runControl(name, () =>
      withRetry(() => scheduler.run('', 'control', () => call(neverAborted), neverAborted), {
        retry,
        signal: neverAborted,
        waitForNetwork,
        ...random,
      }),
    ).catch((error: unknown) => {
      throw retriedAlready(error);
    });
  }

  /** Batches where the backend has the batch call; one call per entry (several at once) where not. */
  function batcherOf<TIn, TOut>(
    name: ControlCallName,
    many: ((inputs: TIn[], ctx: { signal: AbortSignal }) => Promise<BatchOutcome<TOut>[]>) | undefined,
    one: (input: TIn, ctx: { signal: AbortSignal }) => Promise<TOut>,
  ) {
    return many
      ? createBatcher<TIn, TOut>({
          maxBatch: batchSize,
          maxInFlight: 2,
          send: (inputs) => batchCall(name, (signal) => many(inputs, { signal })),
        })
      : createBatcher<TIn, TOut>({
          maxBatch: 1,
          maxInFlight: controlConcurrency,
          send: async ([input]) => [
            { ok: true, value: await batchCall(name, (signal) => one(input as TIn, { signal })) },
          ],
        });
  }

  return { control, put, batcherOf };
}
