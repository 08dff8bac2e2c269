import { abortedError } from './errors.js';

/**
 * Calls `listener` once when `signal` aborts, or right away if it already has: a listener added
 * after the abort would otherwise never run. Returns a function that removes it.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) {
    listener();
    return () => undefined;
  }
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

/**
 * Rejects as soon as `signal` aborts, even if `promise` never settles (a custom transport that
 * ignores its signal must not keep cancel waiting).
 */
export function settleOnAbort<T>(signal: AbortSignal, promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const unlink = onAbort(signal, () => reject(abortedError()));
    promise.then(resolve, reject).finally(unlink);
  });
}
