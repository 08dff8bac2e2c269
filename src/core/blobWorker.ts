// One Web Worker made from source text, called by message: hashing (sha256.ts) and decoding
// previews (styled/thumbnailDecode.ts) each keep one, so that their work is off the page's thread.
// Only their lazy chunks import this module.

type Reply<T> = { id: number; result?: T; error?: string };

/** Posts `data` to the worker; resolves with its `result`, rejects with its `error`. */
export type WorkerCall<TData, TResult> = (data: TData) => Promise<TResult>;

/**
 * Makes the worker on first call, then returns the same caller; `null` where none can be made (no
 * Worker, a strict CSP) and after it failed to start. `source` answers each `{ id, ...data }` with
 * `postMessage({ id, result })`, or `{ id, error }`.
 */
export function blobWorker<TData extends object, TResult>(
  source: string,
): () => WorkerCall<TData, TResult> | null {
  let call: WorkerCall<TData, TResult> | null | undefined;
  return () => {
    if (call !== undefined) return call;
    call = null;
    if (typeof Worker !== 'function' || typeof URL.createObjectURL !== 'function') return call;
    try {
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const thread = new Worker(url);
      URL.revokeObjectURL(url);
      const pending = new Map<number, (reply: Reply<TResult>) => void>();
      let next = 0;
      thread.onmessage = ({ data }: MessageEvent<Reply<TResult>>) => {
        pending.get(data.id)?.(data);
        pending.delete(data.id);
      };
      // A worker that cannot start (a CSP without blob:) fails what it holds; callers then do
      // the work on their own thread.
      thread.onerror = () => {
        call = null;
        for (const settle of pending.values()) settle({ id: -1, error: 'The worker failed to start.' });
        pending.clear();
        thread.terminate();
      };
      call = (data) =>
        new Promise((resolve, reject) => {
          const id = next++;
          pending.set(id, ({ result, error }) =>
            error === undefined ? resolve(result as TResult) : reject(new Error(error)),
          );
          thread.postMessage({ ...data, id });
        });
    } catch {
      call = null;
    }
    return call;
  };
}
