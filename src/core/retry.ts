import { abortedError, toUploadError, unrequestedAbort, type UploadError } from './errors.js';

/** How failed requests are retried. */
export interface RetryOptions {
  /**
   * Retries after the first attempt, per request.
   * @default 5
   */
  retries?: number;
  /**
   * Base of the exponential backoff, in ms: attempt n waits up to `baseDelayMs * 2^n`. PUTs to
   * storage start from at most 100 ms (as the AWS SDKs do): storage's throttling is met by
   * halving the PUTs in flight and by `Retry-After`.
   * @default 500
   */
  baseDelayMs?: number;
  /**
   * Cap of one backoff delay, in ms. A longer `Retry-After` is honoured up to `maxRetryAfterMs`.
   * @default 30000
   */
  maxDelayMs?: number;
  /**
   * Longest `Retry-After` honoured, in ms; a server asking for more is treated as a failure.
   * @default 120000
   */
  maxRetryAfterMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryOptions = {
  retries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** What to do about a failed request. */
export type RetryDecision = 'retry' | 'resign' | 'fatal';

/**
 * Network errors, timeouts, stalls, 408, 429 and 5xx are worth retrying; an expired URL is
 * re-signed first; every other 4xx (and every validation error) is final.
 */
export function classifyError(error: UploadError): RetryDecision {
  switch (error.code) {
    case 'network':
    case 'timeout':
    case 'stalled':
      return 'retry';
    case 'url-expired':
      return 'resign';
    case 'storage-rejected':
    case 'backend-error':
      return error.status !== undefined && isRetryableStatus(error.status) ? 'retry' : 'fatal';
    default:
      return 'fatal';
  }
}

/** Failures that mean "no connection" rather than "the server said no". */
export function isNetworkFailure(error: UploadError): boolean {
  return error.code === 'network' || error.code === 'timeout' || error.code === 'stalled';
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniform
 * random delay in `[0, min(cap, base * 2^attempt))`, which spreads retries of many clients.
 */
export function backoffDelay(
  attempt: number,
  options: ResolvedRetryOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Parses `Retry-After`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns ms, or
 * `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // HTTP dates start with a day name ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone
  // would read "1.5" or "-1" as dates in 2001.
  if (!/^[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with an `aborted` UploadError when `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// Errors an inner loop has already retried until it gave up: an outer loop must not retry them
// again (that would multiply the attempts).
const retriedOut = new WeakSet<UploadError>();

/** Marks an error its own retry loop gave up on, so enclosing `withRetry` loops pass it on. */
export function retriedAlready(error: unknown): UploadError {
  const uploadError = toUploadError(error);
  retriedOut.add(uploadError);
  return uploadError;
}

export interface WithRetryOptions {
  retry: ResolvedRetryOptions;
  signal: AbortSignal;
  /** Called before retrying an expired URL, so the next attempt signs a fresh one. */
  onResign?: (error: UploadError) => void;
  /**
   * Called after a network failure: a promise that settles when the network is back, or
   * `undefined` when the browser believes it is online. The wait does not count as a retry.
   */
  waitForNetwork?: (signal: AbortSignal) => Promise<void> | undefined;
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, a fatal error occurs, or retries run out. Re-signs count as
 * attempts too, so a server whose URLs are always expired (clock skew) cannot loop forever.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  { retry, signal, onResign, waitForNetwork, random }: WithRetryOptions,
): Promise<T> {
  let resigned = false;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (thrown) {
      if (signal.aborted) throw abortedError();
      // An abort we did not ask for (a transport's own timeout, a polyfill, the browser) is a
      // failed request like any other, and is retried as one.
      const error = unrequestedAbort(toUploadError(thrown));
      const decision = classifyError(error);
      // Offline (a train tunnel): wait for the network instead of spending retries on it.
      const offline = isNetworkFailure(error) ? waitForNetwork?.(signal) : undefined;
      if (offline) {
        await offline;
        n--;
        continue;
      }
      if (decision === 'fatal' || retriedOut.has(error) || n >= retry.retries) throw error;
      if (decision === 'resign') {
        onResign?.(error);
        // The first re-sign is immediate; repeated ones back off like any other failure.
        if (resigned) await sleep(backoffDelay(n - 1, retry, random), signal);
        resigned = true;
        continue;
      }
      const serverWait = error.retryAfterMs;
      if (serverWait !== undefined && serverWait > retry.maxRetryAfterMs) throw error;
      await sleep(Math.max(serverWait ?? 0, backoffDelay(n, retry, random)), signal);
    }
  }
}
