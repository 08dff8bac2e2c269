import {
  useUploader,
  type DistributiveOmit,
  type UploadHookResult,
  type UseUploaderOptions,
} from './useUploader.js';

/** Options of {@link useUpload}. */
export type UseUploadOptions<TResult = unknown> = DistributiveOmit<UseUploaderOptions<TResult>, 'mode'>;

/**
 * One PUT for small files, multipart for files of at least `multipartThreshold` bytes
 * (default 100 MiB). The backend must implement both protocols.
 */
export function useUpload<TResult = unknown>(options: UseUploadOptions<TResult>): UploadHookResult<TResult> {
  return useUploader<TResult>({ ...options, mode: 'auto' } as UseUploaderOptions<TResult>);
}
