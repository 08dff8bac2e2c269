import type { StoreApi } from 'zustand/vanilla';
import type { UploadError } from './errors.js';
import type { RetryOptions } from './retry.js';
import type { SessionStore } from './resumeStore.js';
import type { ResumableUpload, UploaderState } from './selectors.js';
import type {
  UploadItem,
  UploadMode,
  Transport,
  SingleUploadBackend,
  MultipartUploadBackend,
} from './types.js';
import type { ValidationOptions } from './validate.js';

/**
 * Wraps every control-plane call (presign, createMultipart, signParts, listParts, complete,
 * abort). The React bindings pass one that runs each call as a TanStack Query mutation.
 */
export type ControlRunner = <T>(name: ControlCallName, call: () => Promise<T>) => Promise<T>;

/** The control-plane calls, by name; TanStack Query mutation keys are `['upkit', name]`. */
export type ControlCallName =
  | 'presign'
  | 'complete'
  | 'createMultipart'
  | 'signParts'
  | 'listParts'
  | 'completeMultipart'
  | 'abortMultipart';

/** Options that can change while the engine runs (see `setOptions`). */
export interface UploadEngineCallbacks<TResult> extends ValidationOptions {
  /** Called once per file when it reaches `done`. */
  onSuccess?: (item: UploadItem<TResult>) => void;
  /** Called once per file when it fails or is rejected by validation. */
  onError?: (error: UploadError, item: UploadItem<TResult>) => void;
}

/** Everything the engine needs. `createUploader()` fills in the browser defaults. */
export interface UploadEngineOptions<TResult = unknown> extends UploadEngineCallbacks<TResult> {
  /** The app's side: single needs `presign` and `complete`; multipart the five multipart calls. */
  backend: Partial<SingleUploadBackend<TResult> & MultipartUploadBackend<TResult>>;
  /** Moves the bytes; `xhrTransport` in browsers. */
  transport: Transport;
  /**
   * `single`: one PUT per file. `multipart`: S3 multipart for every file. `auto`: multipart for
   * files of at least `multipartThreshold` bytes.
   * @default 'auto'
   */
  mode?: UploadMode | 'auto';
  /** @default 100 MiB */
  multipartThreshold?: number;
  /**
   * PUTs to storage in flight at once, over all files (browsers open 6 connections per host
   * over HTTP/1.1). Lowered for a while when storage asks to slow down (429, 503).
   * @default 6
   */
  concurrency?: number;
  /**
   * Calls to the app's backend in flight at once, over all files, apart from the PUTs: the
   * backend is another origin with its own connections.
   * @default 4
   */
  controlConcurrency?: number;
  /**
   * Preferred multipart part size in bytes; raised to 5 MiB and grown for huge files.
   * @default 8 MiB
   */
  partSize?: number;
  /**
   * Part URLs signed per `signParts` call.
   * @default 10
   */
  signBatchSize?: number;
  /**
   * Files per `presignBatch` and `completeBatch` call, when the backend has them (`httpBackend`
   * does); URLs are signed at most twice this many files ahead of their turn.
   * @default 20
   */
  batchSize?: number;
  /**
   * Hash every multipart part (SHA-256, Web Crypto) and ask the backend to sign the checksum into
   * its URL: storage then refuses any part whose bytes differ, and a resumed upload keeps only
   * the stored parts whose checksum equals the picked file's. Needs a secure context (https or
   * localhost) and a backend that opens uploads with a checksum algorithm (`upkit/server` does).
   * @default true
   */
  checksum?: boolean;
  /** @default { retries: 5, baseDelayMs: 500, maxDelayMs: 30000, maxRetryAfterMs: 120000 } */
  retry?: RetryOptions;
  /**
   * A PUT with no progress for this long is aborted and retried.
   * @default 30000
   */
  stallTimeoutMs?: number;
  /**
   * Start uploading as soon as files are added.
   * @default true
   */
  autoStart?: boolean;
  /**
   * Where multipart sessions are remembered so an upload can resume after a reload, a crash or
   * a browser restart (see `resumable`); `false` turns it off.
   * @default indexedDBSessionStore(), where IndexedDB exists
   */
  resumeStorage?: SessionStore | false;
  /**
   * Keeps remembered sessions of different backends or users apart.
   * @default 'default'
   */
  resumeScope?: string;
  /**
   * Remembered sessions older than this are aborted on the server and forgotten.
   * @default 7 days
   */
  resumeMaxAgeMs?: number;
  /** @default calls straight through */
  runControl?: ControlRunner;
  /**
   * Schedules a progress flush; returns a cancel function.
   * @default requestAnimationFrame, or a 16 ms timer where there is none
   */
  scheduleFrame?: (flush: () => void) => () => void;
  /** @default Date.now */
  now?: () => number;
  /** @default Math.random */
  random?: () => number;
}

/** Options for `upload()` and `add()`. */
export interface AddOptions {
  /** Sent to the backend with each file's descriptor. */
  metadata?: Record<string, string>;
}

/** A running upload engine: a zustand store of items and the actions on them. */
export interface UploadEngine<TResult = unknown> {
  /** Vanilla zustand store; subscribe or read `getState().items`. */
  readonly store: StoreApi<UploaderState<TResult>>;
  /**
   * Adds files and starts them (unless `autoStart: false`). A list of more than 8 files is added
   * 8 a task (the store's `adding` counts the rest), so use `add()` when every id is needed at
   * once. Resolves once every file it added has settled (done, error or canceled) or been removed:
   * files still to come when `cancel()` of all or `reset()` ran are never added. Throws, rather
   * than rejects, for a list that holds something other than a Blob.
   */
  upload(files: Iterable<Blob> | ArrayLike<Blob>, options?: AddOptions): Promise<UploadItem<TResult>[]>;
  /** The item with this id, in constant time, or `undefined`. */
  getItem(id: string): UploadItem<TResult> | undefined;
  /** Adds files without starting them; returns their ids. */
  add(files: Iterable<Blob> | ArrayLike<Blob>, options?: AddOptions): string[];
  /**
   * Sets the metadata a file not yet started will send to the backend (titles, alt text from a
   * form shown before upload, with `autoStart: false`), merged over what it was added with; a
   * key set to `undefined` is taken out.
   * Returns `false`, changing nothing, once the file's first request has gone: the backend has
   * already been told.
   */
  setMetadata(id: string, metadata: Record<string, string | undefined>): boolean;
  /** Starts queued files (all, or one). */
  start(id?: string): void;
  /**
   * Pauses one file, a list of them (in one store update), or all; in-flight requests are
   * aborted, finished parts are kept.
   */
  pause(id?: string | readonly string[]): void;
  /** Resumes paused files: one, a list, or all. */
  resume(id?: string | readonly string[]): void;
  /**
   * Cancels files (one, a list, or all); multipart uploads are aborted on storage. Resolves when
   * cleanup is done.
   */
  cancel(id?: string | readonly string[]): Promise<void>;
  /** Retries failed files (validation failures cannot be retried). */
  retry(id?: string): void;
  /** Cancels (if needed) and removes files from the list. */
  remove(id: string): Promise<void>;
  /**
   * Cancels everything and empties the list; remembered sessions are aborted on the server and
   * forgotten, so nothing is left to resume.
   */
  reset(): Promise<void>;
  /**
   * Reads the uploads a reload, a crash or a closed tab interrupted into `resumable`: aborts
   * and forgets those past `resumeMaxAgeMs`, and skips those another tab is uploading. The hooks
   * call it on mount. Never rejects.
   */
  loadResumable(): Promise<readonly ResumableUpload[]>;
  /**
   * Resumes an interrupted upload from `resumable`, keeping the parts storage holds. With no
   * `file`, the one its File System Access handle points at is read (asking the user's
   * permission once; call it from a click). Resolves to the new item's id. Rejects with
   * `resume-needs-file` when the file must be picked again (no handle, permission refused,
   * file gone), `resume-file-mismatch` when `file` is not the one that was uploading,
   * `resume-busy` when another tab is uploading it, and `resume-gone` when nothing is remembered
   * under `id`. A file changed since (handle only) is
   * uploaded afresh and its old upload aborted.
   */
  restore(id: string, file?: Blob): Promise<string>;
  /** Aborts an interrupted upload on the server and forgets it. Never rejects. */
  discard(id: string): Promise<void>;
  /**
   * Pauses running work, remembering what to resume in `wake()`, and lets go of the sessions'
   * Web Locks so another page or tab may resume them (used on unmount).
   */
  suspend(): void;
  /** Resumes what `suspend()` paused. */
  wake(): void;
  /** Updates callbacks, validation rules and concurrency. */
  setOptions(options: Partial<UploadEngineCallbacks<TResult>> & { concurrency?: number }): void;
}
