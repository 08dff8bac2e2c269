/**
 * Every way an upload can fail, as one string union. The code is stable and safe to switch on;
 * the message is for people and says what to do.
 */
export type UploadErrorCode =
  // Validation: raised before any request is made; the file stays in the list with its error.
  | 'file-too-large'
  | 'file-too-small'
  | 'file-type-not-allowed'
  | 'too-many-files'
  // Transport: the bytes did not reach storage.
  | 'network'
  | 'timeout'
  | 'stalled'
  | 'url-expired'
  | 'missing-etag'
  | 'storage-rejected'
  // Control plane: the app's backend said no, or said something we cannot read.
  | 'backend-error'
  | 'invalid-response'
  // Resuming an interrupted upload (`restore`): the file must be picked again, the picked file is
  // not the one that was uploading, or nothing is remembered any more.
  | 'resume-needs-file'
  | 'resume-file-mismatch'
  | 'resume-gone'
  | 'resume-busy'
  // Internal plumbing: a request was aborted by pause, cancel or unmount. Never shown on an item.
  | 'aborted';

/** Options for {@link UploadError}. */
export interface UploadErrorOptions {
  /** HTTP status of the response that caused the error, when there was one. */
  status?: number;
  /** Milliseconds the server asked us to wait (`Retry-After`), when it said. */
  retryAfterMs?: number;
  /** The underlying error or response body, for debugging. */
  cause?: unknown;
  /** The backend's own error code, from its `{ "error": { "code" } }` body. */
  serverCode?: string;
  /** The limit a validation error broke: bytes for size codes, files for `too-many-files`. */
  limit?: number;
  /** The accepted types, for `file-type-not-allowed`. */
  accepted?: readonly string[];
}

const VALIDATION_CODES: ReadonlySet<UploadErrorCode> = new Set([
  'file-too-large',
  'file-too-small',
  'file-type-not-allowed',
  'too-many-files',
]);

/**
 * The one error class upkit throws or stores on an item. Switch on `code`, show `message`.
 *
 * @example
 * if (item.error?.code === 'missing-etag') showCorsHelp()
 */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly code: UploadErrorCode;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** The backend's own error code (e.g. `"quota-exceeded"`), when it sent one. */
  readonly serverCode: string | undefined;
  /** The limit a validation error broke (bytes, or files for `too-many-files`), for own messages. */
  readonly limit: number | undefined;
  /** The accepted types of a `file-type-not-allowed` error, for own messages. */
  readonly accepted: readonly string[] | undefined;

  constructor(code: UploadErrorCode, message: string, options: UploadErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.serverCode = options.serverCode;
    this.limit = options.limit;
    this.accepted = options.accepted;
  }

  /** True for errors found before upload (size, type, count): retrying cannot help. */
  get isValidation(): boolean {
    return VALIDATION_CODES.has(this.code);
  }

  /**
   * True when sending the same file again cannot succeed: it was refused for what it is (its
   * size, type, content or metadata, by the client or the server), not for a failure on the way.
   * Offer Remove, or another file, instead of Retry. The app's refusals with 400 (but
   * `invalid-part`, which a retry mends by listing the parts), 405 and 422 count; 401 and 403 do
   * not (a retry after signing in again can succeed), nor 404 (an upload the server no longer
   * knows: a retry signs the file again), nor storage's own 400s (S3's RequestTimeout).
   */
  get isFinal(): boolean {
    const { status } = this;
    return (
      this.isValidation ||
      this.code === 'resume-file-mismatch' ||
      status === 413 ||
      status === 415 ||
      (this.code === 'backend-error' &&
        ((status === 400 && this.serverCode !== 'invalid-part') || status === 405 || status === 422)) ||
      FINAL_SERVER_CODES.has(this.serverCode ?? '')
    );
  }
}

// upkit/server's codes for bytes that failed verification (docs/protocol.md).
// protocol-too-*: client and server speak different protocol versions (docs/protocol.md).
const FINAL_SERVER_CODES = new Set([
  'content-mismatch',
  'size-mismatch',
  'protocol-too-old',
  'protocol-too-new',
]);

/** Type guard that survives duplicate module copies (checks the shape, not the prototype). */
export function isUploadError(value: unknown): value is UploadError {
  return (
    value instanceof UploadError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'UploadError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}

/** The error a request rejects with when its signal aborts (pause, cancel, unmount). */
export function abortedError(): UploadError {
  return new UploadError('aborted', 'The request was aborted.');
}

// Chrome: "Failed to fetch"; Firefox: "NetworkError when attempting to fetch resource.";
// Safari: "Load failed"; Node/undici: "fetch failed".
const FETCH_FAILURE = /failed to fetch|networkerror|load failed|fetch failed|network request failed/i;

/**
 * An `aborted` error whose signal we never aborted becomes a retryable `network` error; any other
 * error is returned as it is.
 */
export function unrequestedAbort(error: UploadError): UploadError {
  if (error.code !== 'aborted') return error;
  return new UploadError('network', 'The request was interrupted before it finished; retrying.', {
    cause: error,
  });
}

/** Wraps anything thrown into an UploadError, keeping UploadErrors as they are. */
export function toUploadError(error: unknown): UploadError {
  if (isUploadError(error)) return error;
  if (error instanceof DOMException && error.name === 'AbortError') return abortedError();
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return new UploadError('timeout', 'The request timed out. Check the connection and retry.', {
      cause: error,
    });
  }
  if (error instanceof TypeError && FETCH_FAILURE.test(error.message)) {
    // fetch() rejects with a TypeError for network failures and CORS refusals alike. Other
    // TypeErrors are bugs and must not be retried as if the network had failed.
    return new UploadError(
      'network',
      'The network request failed. Check the connection, or the server CORS settings if it keeps failing.',
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new UploadError('backend-error', message, { cause: error });
}
