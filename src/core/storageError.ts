import { UploadError } from './errors.js';
import { parseRetryAfter } from './retry.js';

/** Reads `<Code>` and `<Message>` from an S3-style XML error body. */
export function parseS3Error(body: string): { code?: string; message?: string } {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/**
 * Turns a non-2xx storage response into an UploadError. S3 answers an expired presigned URL
 * with 403 AccessDenied "Request has expired"; STS-backed URLs with 400 ExpiredToken. Both
 * become `url-expired`, which re-signs instead of failing.
 */
export function storageError(status: number, body: string, retryAfter: string | null): UploadError {
  const s3 = parseS3Error(body);
  const text = `${s3.code ?? ''} ${s3.message ?? ''}`;
  if ((status === 403 || status === 400) && /expired/i.test(text)) {
    return new UploadError(
      'url-expired',
      'The presigned URL expired before storage received the request; a new one is being signed.',
      { status, cause: body },
    );
  }
  const retryAfterMs = parseRetryAfter(retryAfter);
  const detail = s3.code ? ` (${s3.code}${s3.message ? `: ${s3.message}` : ''})` : '';
  return new UploadError(
    'storage-rejected',
    `Storage refused the upload with HTTP ${status}${detail}.` +
      (status === 403
        ? ' Check that the backend signs URLs with valid credentials and that the bucket allows this key.'
        : ''),
    { status, cause: body, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  );
}
