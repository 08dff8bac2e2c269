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
