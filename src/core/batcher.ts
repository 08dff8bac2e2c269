import { onAbort, settleOnAbort } from './abort.js';
import { abortedError } from './errors.js';
import type { BatchOutcome } from './types.js';

/** Gathers one-file calls into batch calls. */
export interface Batcher<TIn, TOut> {
  /**
   * Sends `input` with the next batch and resolves to its own answer. Rejects with an `aborted`
   * UploadError when `signal` aborts first (a batch already sent goes on for the others).
   */
  submit(input: TIn, signal: AbortSignal): Promise<TOut>;
}

export interface BatcherOptions<TIn, TOut> {
  /** Most entries per call. */
  maxBatch: number;
  /** Most calls in flight; entries submitted meanwhile wait for the next one. */
  maxInFlight: number;
  /** One call for `inputs`: one outcome per input, in order. A rejection fails every entry. */
  send(inputs: TIn[]): Promise<BatchOutcome<TOut>[]>;
}

interface Entry<TIn, TOut> {
  input: TIn;
  resolve: (value: TOut) => void;
  reject: (error: unknown) => void;
}

/**
 * Entries submitted in the same turn go in one call; while `maxInFlight` calls are out, new
 * entries gather for the next (as Nagle's algorithm does with bytes): an idle backend gets a call
 * at once, a slow one gets fewer, fuller calls. No timer ever delays an entry.
 */
export function createBatcher<TIn, TOut>(options: BatcherOptions<TIn, TOut>): Batcher<TIn, TOut> {
  const queue: Entry<TIn, TOut>[] = [];
  let inFlight = 0;
  let flushQueued = false;

  function flush(): void {
    flushQueued = false;
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const entries = queue.splice(0, options.maxBatch);
      inFlight++;
      void send(entries).finally(() => {
        inFlight--;
        flush();
      });
    }
  }

  async function send(entries: Entry<TIn, TOut>[]): Promise<void> {
    try {
      const outcomes = await options.send(entries.map((entry) => entry.input));
      entries.forEach((entry, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok) entry.resolve(outcome.value);
        else entry.reject(outcome ? outcome.error : new Error('upkit: a batch answered too few results'));
      });
    } catch (error) {
      for (const entry of entries) entry.reject(error);
    }
  }

  return {
    submit(input, signal) {
      if (signal.aborted) return Promise.reject(abortedError());
      const answer = new Promise<TOut>((resolve, reject) => {
        // Still waiting when aborted: it leaves the queue and is never sent.
        const stop = onAbort(signal, () => {
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
        });
        const entry: Entry<TIn, TOut> = {
          input,
          resolve: (value) => {
            stop();
            resolve(value);
          },
          reject: (error) => {
            stop();
            reject(error);
          },
        };
        queue.push(entry);
      });
      if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(flush);
      }
      return settleOnAbort(signal, answer);
    },
  };
}
