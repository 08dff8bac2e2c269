import {
  useUploader,
  type DistributiveOmit,
  type UploadHookResult,
  type UseUploaderOptions,
} from './useUploader.js';

/** Options of {@link useMultipartUpload}. */
export type UseMultipartUploadOptions<TResult = unknown> = DistributiveOmit<
  UseUploaderOptions<TResult>,
  'mode' | 'multipartThreshold'
>;

/**
 * Uploads each file with S3 multipart: parts PUT in parallel through batch-signed URLs, each
 * retried on its own; pause keeps finished parts, and an upload interrupted by a reload resumes
 * where storage left it.
 *
 * @example
 * const { upload, progress, pause, resume } = useMultipartUpload({ endpoint: '/api/upload' })
 */
export function useMultipartUpload<TResult = unknown>(
  options: UseMultipartUploadOptions<TResult>,
): UploadHookResult<TResult> {
  return useUploader<TResult>({ ...options, mode: 'multipart' } as UseUploaderOptions<TResult>);
}
