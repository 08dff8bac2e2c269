import type { UploadError } from './errors.js';

/**
 * One file's life. The only legal paths are
 * `queued -> signing -> uploading -> completing -> done`, plus `paused`, `error` and `canceled`;
 * see `uploadMachine.ts` for the full table.
 */
export type UploadStatus =
  'queued' | 'signing' | 'uploading' | 'completing' | 'done' | 'paused' | 'error' | 'canceled';

/** How a file travels: one presigned PUT, or S3 multipart with parallel part PUTs. */
export type UploadMode = 'single' | 'multipart';

/** What the backend is told about a file. Never contains the bytes. */
export interface FileDescriptor {
  name: string;
  size: number;
  /** MIME type as the browser reports it; empty when unknown. */
  type: string;
  lastModified?: number;
  /** Free-form metadata passed through to the backend (`upload(files, { metadata })`). */
  metadata?: Record<string, string>;
}

/** A file in the uploader's list. Immutable: every change produces a new object. */
export interface UploadItem<TResult = unknown> {
  readonly id: string;
  readonly file: Blob;
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly mode: UploadMode;
  readonly status: UploadStatus;
  /** Bytes acknowledged or in flight to storage. Can go down when a failed part restarts. */
  readonly bytesUploaded: number;
  /** Smoothed upload speed in bytes per second; 0 when not uploading. */
  readonly speed: number;
  /** Estimated seconds left, or `undefined` while unknown. */
  readonly eta: number | undefined;
  /** Object key chosen by the server, once known. */
  readonly key: string | undefined;
  /** What the backend's `complete` returned, once `status === 'done'`. */
  readonly result: TResult | undefined;
  /** Why the upload failed or was rejected, when `status === 'error'`. */
  readonly error: UploadError | undefined;
  readonly metadata: Record<string, string> | undefined;
}

/** Passed to every backend call so it can be aborted by pause, cancel or unmount. */
export interface RequestContext {
  signal: AbortSignal;
}

/** Where to PUT one object, as returned by the backend's presign call. */
export interface PresignedRequest {
  url: string;
  /** @default 'PUT' */
  method?: 'PUT';
  /** Headers the URL was signed with; they are sent exactly as given. */
  headers?: Record<string, string>;
  /** Epoch milliseconds after which the URL no longer works. */
  expiresAt?: number;
}

/** The backend's answer to a single-upload presign call. */
export interface PresignResult extends PresignedRequest {
  /** Object key the server chose. */
  key: string;
  /** Opaque server-issued token, echoed back on `complete`. */
  token?: string;
}

/** Arguments of a single upload's `complete` call. */
export interface CompleteSingleInput {
  key: string;
  token?: string;
  /** ETag storage returned for the PUT, when the CORS rules let the browser read it. */
  etag?: string;
  file: FileDescriptor;
}

/** The backend's answer to `createMultipart`. */
export interface MultipartSession {
  uploadId: string;
  key: string;
  /** Opaque server-issued token, echoed back on every later multipart call. */
  token?: string;
  /**
   * Bytes per part the server will sign (it signs each part's length): the client splits the
   * file this way. Absent: the client's own choice.
   */
  partSize?: number;
  /**
   * `'SHA256'` when the server opened the upload for part checksums: the client then hashes
   * every part, storage refuses a part whose bytes differ, and a resumed upload keeps only the
   * stored parts whose checksum equals the local part's.
   */
  checksumAlgorithm?: 'SHA256';
}

/** Identifies an open multipart upload in every call after `createMultipart`. */
export type MultipartRef = Omit<MultipartSession, 'partSize' | 'checksumAlgorithm'>;

/** How the client means to split a file, told to `createMultipart`. */
export interface MultipartPlan {
  /** The part size the client would use; the server may answer another. */
  partSize: number;
  /** Set when the client will hash every part (`checksum` option, and Web Crypto available). */
  checksumAlgorithm?: 'SHA256';
}

/** A part that storage has accepted. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
  /** Size in bytes, when known (always known from `listParts`). */
  size?: number;
  /** Base64 SHA-256 of the part, for uploads opened with a checksum algorithm. */
  checksum?: string;
}

/** A presigned URL for one part. */
export interface SignedPart extends PresignedRequest {
  partNumber: number;
}

/** What to presign for one file, besides its descriptor. */
export interface PresignOptions {
  /** The file's base64 SHA-256, when the client hashed it, to sign into the URL. */
  checksum?: string;
  /**
   * The key and token of this file's earlier URL, when that one expired. upkit/server answers a
   * new key (it never signs a key for a second PUT); older servers signed the same key again.
   */
  resign?: { key: string; token?: string };
}

/** One file's presign request in a batch. */
export interface PresignRequest extends PresignOptions {
  file: FileDescriptor;
}

/** One entry of a batch call's answer: what the one-file call would have returned, or thrown. */
export type BatchOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * The app's side of a single (one PUT) upload: hand out a presigned URL, then hear that the
 * bytes landed. `httpBackend()` implements this over the JSON protocol in `docs/protocol.md`.
 */
export interface SingleUploadBackend<TResult = unknown> {
  presign(file: FileDescriptor, ctx: RequestContext, options?: PresignOptions): Promise<PresignResult>;
  complete(input: CompleteSingleInput, ctx: RequestContext): Promise<TResult>;
  /**
   * Presigns many files in one round trip: one outcome per request, in order. Optional; without
   * it, files are presigned one call each (still ahead of need).
   */
  presignBatch?(requests: PresignRequest[], ctx: RequestContext): Promise<BatchOutcome<PresignResult>[]>;
  /** Completes many files in one round trip: one outcome per input, in order. Optional. */
  completeBatch?(inputs: CompleteSingleInput[], ctx: RequestContext): Promise<BatchOutcome<TResult>[]>;
}

/**
 * The app's side of an S3 multipart upload. Every call after `createMultipart` carries the
 * session it returned, so a stateless server can check who owns it.
 */
export interface MultipartUploadBackend<TResult = unknown> {
  createMultipart(file: FileDescriptor, ctx: RequestContext, plan: MultipartPlan): Promise<MultipartSession>;
  /** Sign a batch of part numbers in one round trip. */
  signParts(
    ref: MultipartRef & { partNumbers: number[]; checksums?: Record<number, string> },
    ctx: RequestContext,
  ): Promise<SignedPart[]>;
  /** Parts storage already holds; used to resume after a reload. */
  listParts(ref: MultipartRef, ctx: RequestContext): Promise<UploadedPart[]>;
  completeMultipart(
    ref: MultipartRef & { parts: UploadedPart[]; file: FileDescriptor },
    ctx: RequestContext,
  ): Promise<TResult>;
  abortMultipart(ref: MultipartRef, ctx: RequestContext): Promise<void>;
}

/** A backend that can do both kinds of upload. */
export type UploadBackend<TResult = unknown> = SingleUploadBackend<TResult> & MultipartUploadBackend<TResult>;

/** One PUT of bytes to storage. */
export interface TransportRequest extends PresignedRequest {
  body: Blob;
  signal: AbortSignal;
  /** Called with bytes sent so far; may be called many times. */
  onProgress: (loaded: number) => void;
  /** Abort with `stalled` when no progress is seen for this long (ms). */
  stallTimeoutMs: number;
}

/** What storage answered to a PUT. */
export interface TransportResponse {
  status: number;
  /** The `ETag` response header, or `undefined` when the browser may not read it (CORS). */
  etag: string | undefined;
}

/**
 * Moves bytes. The default is XHR (`xhrTransport`), the only browser API with upload progress
 * everywhere; tests and other runtimes can pass their own.
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;
