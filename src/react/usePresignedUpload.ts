import {
  useUploader,
  type DistributiveOmit,
  type UploadHookResult,
  type UseUploaderOptions,
} from './useUploader.js';

/** Options of {@link usePresignedUpload}. */
export type UsePresignedUploadOptions<TResult = unknown> = DistributiveOmit<
  UseUploaderOptions<TResult>,
  | 'mode'
  | 'multipartThreshold'
  | 'partSize'
  | 'signBatchSize'
  | 'resumeStorage'
  | 'resumeScope'
  | 'resumeMaxAgeMs'
>;

/**
 * Uploads each file with one presigned PUT (files up to 5 GiB): presign, PUT with progress,
 * complete. Retries, re-signs expired URLs, pauses and resumes (a paused file restarts).
 *
 * @example
 * const { upload, items } = usePresignedUpload({ endpoint: '/api/upload', accept: 'image/*' })
 * <input type="file" multiple onChange={(e) => upload(e.target.files!)} />
 */
export function usePresignedUpload<TResult = unknown>(
  options: UsePresignedUploadOptions<TResult>,
): UploadHookResult<TResult> {
  return useUploader<TResult>({ ...options, mode: 'single' } as UseUploaderOptions<TResult>);
}
