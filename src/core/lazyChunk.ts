import { UploadError } from './errors.js';

/**
 * A chunk of upkit loaded on first use, once. A failed fetch (offline, or a deploy that removed
 * the old chunk) is not kept: the next call fetches again. It rejects as a retryable `network`
 * error, whatever the browser or bundler calls it ("Failed to fetch dynamically imported module",
 * "Importing a module script failed.", webpack's ChunkLoadError). Browsers may still remember a
 * failed module URL until the page reloads (whatwg/html#10327); bundlers' loaders do not.
 */
export function lazyChunk<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw new UploadError(
        'network',
        'Part of the uploader could not be downloaded. Check the connection, then try again.',
        { cause: error },
      );
    }));
}
