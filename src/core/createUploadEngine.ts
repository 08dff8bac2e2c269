import type { StoreApi } from 'zustand/vanilla';
import { canChecksum } from './checksum';
import { createCongestion } from './congestion';
import { choosePartSize, DEFAULT_PART_SIZE } from './chunkPlan';
import { settleOnAbort } from './abort';
import type { EngineContext } from './engineContext';
import { abortedError, toUploadError, unrequestedAbort, UploadError } from './errors';
import { bytesOf, createJob, describeFile, sessionRef, type Job } from './job';
import { runMultipart } from './multipartUpload';
import { progressAction } from './progress';
import { createItemStore } from './itemStore';
import { heldLocks, sessionLockName, tryLock } from './locks';
import {
  defaultSessionStore,
  fileFingerprint,
  handleOf,
  isExpired,
  isSessionRecord,
  quietly,
  withHandle,
  type SessionRecord,
  type SessionStore,
} from './resumeStore';
import { DEFAULT_RETRY, retriedAlready, withRetry, type RetryOptions } from './retry';
import { createScheduler, type Lane } from './scheduler';
import type { ResumableUpload, UploaderState } from './selectors';
import { fileChecksum, runSingle } from './singleUpload';
import { createBatcher } from './batcher';
import { createPresigner } from './presignAhead';
import type {
  BatchOutcome,
  CompleteSingleInput,
  FileDescriptor,
  PresignRequest,
  PresignResult,
  MultipartSession,
  MultipartUploadBackend,
  PresignedRequest,
  SingleUploadBackend,
  Transport,
  UploadItem,
  UploadMode,
} from './types';
import { canTransition } from './uploadMachine';
import { validateFile, type ValidationOptions } from './validate';

const MiB = 1024 * 1024;

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
   * Adds files and starts them (unless `autoStart: false`). Resolves once every one of them has
   * settled (done, error or canceled) or been removed; never rejects.
   */
  upload(files: Iterable<Blob> | ArrayLike<Blob>, options?: AddOptions): Promise<UploadItem<TResult>[]>;
  /** The item with this id, in constant time, or `undefined`. */
  getItem(id: string): UploadItem<TResult> | undefined;
  /** Adds files without starting them; returns their ids. */
  add(files: Iterable<Blob> | ArrayLike<Blob>, options?: AddOptions): string[];
  /** Starts queued files (all, or one). */
  start(id?: string): void;
  /** Pauses one file or all; in-flight requests are aborted, finished parts are kept. */
  pause(id?: string): void;
  /** Resumes paused files. */
  resume(id?: string): void;
  /** Cancels files; multipart uploads are aborted on storage. Resolves when cleanup is done. */
  cancel(id?: string): Promise<void>;
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

/**
 * Runs an app callback so that its failure stays the app's: it neither stops the files after
 * it nor surfaces as an unhandled rejection. Reported on the console, like React's own
 * errors in event handlers.
 */
function tell(callback: () => unknown): void {
  try {
    const returned = callback();
    if (returned instanceof Promise) returned.catch((error: unknown) => console.error(error));
  } catch (error) {
    console.error(error);
  }
}

let nextId = 0;
const newId = () => `upk_${(++nextId).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

function defaultScheduleFrame(flush: () => void): () => void {
  // A hidden tab runs no animation frames: progress would stop being published until it shows.
  const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
  if (typeof requestAnimationFrame === 'function' && !hidden) {
    const handle = requestAnimationFrame(() => flush());
    return () => cancelAnimationFrame(handle);
  }
  const timer = setTimeout(flush, 16);
  return () => clearTimeout(timer);
}

function requireMethods(backend: object, mode: UploadMode, names: readonly string[]): void {
  const missing = names.filter((name) => typeof (backend as Record<string, unknown>)[name] !== 'function');
  if (missing.length > 0) {
    throw new TypeError(
      `upkit: ${mode} uploads need a backend with ${names.join(', ')}; this one lacks ${missing.join(', ')}. ` +
        'Pass httpBackend({ baseUrl }) or implement the missing methods.',
    );
  }
}

const SINGLE_METHODS = ['presign', 'complete'] as const;
const MULTIPART_METHODS = [
  'createMultipart',
  'signParts',
  'listParts',
  'completeMultipart',
  'abortMultipart',
] as const;

/**
 * Creates the framework-agnostic upload engine. Nothing runs and no browser API is touched
 * until files are added, so it is safe to create during render or on the server.
 */
export function createUploadEngine<TResult = unknown>(
  initial: UploadEngineOptions<TResult>,
): UploadEngine<TResult> {
  let options = { ...initial };
  const mode = options.mode ?? 'auto';
  if (mode !== 'multipart') requireMethods(options.backend, 'single', SINGLE_METHODS);
  if (mode !== 'single') requireMethods(options.backend, 'multipart', MULTIPART_METHODS);
  const backend = options.backend as SingleUploadBackend<TResult> & MultipartUploadBackend<TResult>;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const now = options.now ?? Date.now;
  const runControl: ControlRunner = options.runControl ?? ((_name, call) => call());
  const scheduleFrame = options.scheduleFrame ?? defaultScheduleFrame;
  const scheduler = createScheduler(options.concurrency ?? 6, options.controlConcurrency ?? 4);
  const congestion = createCongestion(options.concurrency ?? 6, (limit) => scheduler.setConcurrency(limit));
  // Looked up on first use, never at creation: creation must be safe during SSR.
  let sessionStoreSlot: { value: SessionStore | undefined } | undefined;
  const sessions = () =>
    (sessionStoreSlot ??= {
      value: options.resumeStorage === false ? undefined : (options.resumeStorage ?? defaultSessionStore()),
    }).value;
  const resumeScope = options.resumeScope ?? 'default';
  const resumeMaxAge = options.resumeMaxAgeMs ?? 7 * 24 * 3600 * 1000;
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  const signBatchSize = Math.max(1, options.signBatchSize ?? 10);
  const partConcurrency = () => options.concurrency ?? 6;

  const jobs = new Map<string, Job>();
  const cleanups = new Set<Promise<void>>();

  // ---- state -------------------------------------------------------------------------------

  const items = createItemStore<TResult>({
    scheduleFrame,
    progressOf: (id) => {
      const job = jobs.get(id);
      return job ? progressAction(job, now()) : undefined;
    },
    onSettled: (item) => {
      const { error } = item;
      if (item.status === 'done') tell(() => options.onSuccess?.(item));
      else if (item.status === 'error' && error) tell(() => options.onError?.(error, item));
    },
  });
  const { store } = items;
  /** The item as it is now; what the engine decides on. */
  const getItem = items.current;
  const dispatch = items.dispatch;
  const markProgress = (job: Job) => items.touch(job.id);

  // ---- the network ---------------------------------------------------------------------------

  let waitingForNetwork = 0;

  /** While the browser says it is offline: a promise of the `online` event, else `undefined`. */
  function waitForNetwork(signal: AbortSignal): Promise<void> | undefined {
    if (typeof navigator === 'undefined' || navigator.onLine !== false) return undefined;
    if (typeof addEventListener !== 'function') return undefined;
    if (waitingForNetwork++ === 0) store.setState({ offline: true });
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        removeEventListener('online', back);
        signal.removeEventListener('abort', stop);
        if (--waitingForNetwork === 0) store.setState({ offline: false });
      };
      const back = () => {
        done();
        resolve();
      };
      const stop = () => {
        done();
        reject(abortedError());
      };
      addEventListener('online', back);
      signal.addEventListener('abort', stop);
    });
  }

  // ---- requests ------------------------------------------------------------------------------

  /** One attempt of a control call in the control lane. */
  function scheduledCall<T>(
    job: Job,
    call: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    // settleOnAbort: a backend call that ignores its signal must not hold a slot after cancel.
    return scheduler.run(job.id, 'control' satisfies Lane, () => settleOnAbort(signal, call(signal)), signal);
  }

  function controlOnce<T>(
    job: Job,
    name: ControlCallName,
    call: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    return runControl(name, () => scheduledCall(job, call, signal));
  }

  // The control runner wraps the whole retried call, so an app's mutation cache sees one
  // mutation per call, failing only when upkit gives up.
  function control<T>(
    job: Job,
    name: ControlCallName,
    call: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    return runControl(name, () =>
      withRetry(() => scheduledCall(job, call, signal), {
        retry,
        signal,
        waitForNetwork,
        ...(options.random ? { random: options.random } : {}),
      }),
    );
  }

  async function put(job: Job, request: PresignedRequest, body: Blob, signal: AbortSignal, slot: number) {
    // Captured now: pause swaps in a fresh map, and this request's late events must not leak into it.
    const inflight = job.inflight;
    try {
      const response = await settleOnAbort(
        signal,
        options.transport({
          url: request.url,
          method: request.method ?? 'PUT',
          headers: request.headers ?? {},
          body,
          signal,
          stallTimeoutMs,
          onProgress: (loaded) => {
            if (signal.aborted) return;
            inflight.set(slot, Math.min(loaded, body.size));
            markProgress(job);
          },
        }),
      );
      congestion.succeeded();
      return response;
    } catch (error) {
      const { code, status } = toUploadError(error);
      if (code === 'storage-rejected' && (status === 429 || status === 503)) congestion.throttled();
      throw error;
    } finally {
      inflight.delete(slot);
      markProgress(job);
    }
  }

  // ---- batched calls of single uploads --------------------------------------------------------

  const batchSize = Math.max(1, options.batchSize ?? 20);
  const neverAborted = new AbortController().signal;

  /**
   * One batch call, retried as a whole inside one control-runner call (one mutation spans its
   * retries). A failure it gave up on is marked so the files' own loops do not retry it again;
   * an entry's own failure comes back as that entry's outcome, for its file to retry.
   */
  function batchCall<T>(name: ControlCallName, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return runControl(name, () =>
      withRetry(() => scheduler.run('', 'control', () => call(neverAborted), neverAborted), {
        retry,
        signal: neverAborted,
        waitForNetwork,
        ...(options.random ? { random: options.random } : {}),
      }),
    ).catch((error: unknown) => {
      throw retriedAlready(error);
    });
  }

  /** Batches where the backend has the batch call; one call per entry (several at once) where not. */
  function batcherOf<TIn, TOut>(
    name: ControlCallName,
    many: ((inputs: TIn[], ctx: { signal: AbortSignal }) => Promise<BatchOutcome<TOut>[]>) | undefined,
    one: (input: TIn, ctx: { signal: AbortSignal }) => Promise<TOut>,
  ) {
    return many
      ? createBatcher<TIn, TOut>({
          maxBatch: batchSize,
          maxInFlight: 2,
          send: (inputs) => batchCall(name, (signal) => many(inputs, { signal })),
        })
      : createBatcher<TIn, TOut>({
          maxBatch: 1,
          maxInFlight: options.controlConcurrency ?? 4,
          send: async ([input]) => [
            { ok: true, value: await batchCall(name, (signal) => one(input as TIn, { signal })) },
          ],
        });
  }

  const presigner = createPresigner({
    calls: batcherOf<PresignRequest, PresignResult>(
      'presign',
      backend.presignBatch?.bind(backend),
      ({ file, ...rest }, ctx) => backend.presign(file, ctx, rest),
    ),
    batchSize,
    now,
    checksum: (job) => fileChecksum(context, job),
  });
  const completeCalls = batcherOf<CompleteSingleInput, TResult>(
    'complete',
    backend.completeBatch?.bind(backend),
    (input, ctx) => backend.complete(input, ctx),
  );

  const context: EngineContext<TResult> = {
    backend,
    presigner,
    completeCalls,
    scheduler,
    retry,
    random: options.random ? { random: options.random } : {},
    waitForNetwork,
    signBatchSize,
    now,
    partSize: () => options.partSize ?? DEFAULT_PART_SIZE,
    checksum: () => options.checksum !== false && canChecksum(),
    partConcurrency,
    sessions,
    resumeScope,
    resumeMaxAgeMs: resumeMaxAge,
    expire,
    dispatch,
    markProgress,
    abortOrphan,
    control,
    controlOnce,
    runControl,
    put,
  };

  // ---- lifecycle -----------------------------------------------------------------------------

  function launch(job: Job): void {
    // One run per job: a second start() (a double click) must not start a rival run.
    if (job.controller || getItem(job.id)?.status !== 'queued') return;
    const controller = new AbortController();
    job.controller = controller;
    job.meter = { bytes: bytesOf(job), time: now(), speed: 0 };
    const run =
      job.mode === 'single'
        ? runSingle(context, job, controller.signal)
        : runMultipart(context, job, controller.signal);
    const settled = () => {
      if (job.controller === controller) job.controller = undefined;
    };
    job.running = run.then(settled, settled);
    run.then(
      (result) => {
        if (controller.signal.aborted) return;
        releaseResumeKey(job);
        // onSuccess is called once the store shows it done (itemStore's onSettled).
        dispatch(job.id, { type: 'succeed', result });
      },
      (thrown: unknown) => {
        if (controller.signal.aborted) return;
        dispatch(job.id, { type: 'fail', error: unrequestedAbort(toUploadError(thrown)) });
      },
    );
  }

  function abortInFlight(job: Job): void {
    job.controller?.abort();
    job.controller = undefined;
    job.inflight = new Map();
    items.untouch(job.id);
  }

  /** Aborts a multipart upload on storage; `reset()` waits for these. */
  function abortOrphan(job: Job, session: MultipartSession): Promise<void> {
    // A fresh signal: the job's own was aborted by the cancel or pause that brought us here.
    const cleanup = control(
      job,
      'abortMultipart',
      (s) => backend.abortMultipart(sessionRef(session), { signal: s }),
      new AbortController().signal,
    )
      .catch(() => {
        // Still failing after retries: the bucket's AbortIncompleteMultipartUpload lifecycle
        // rule is the backstop (docs/backend.md). Nothing the user can do here.
      })
      .finally(() => cleanups.delete(cleanup));
    cleanups.add(cleanup);
    return cleanup;
  }

  function abortStorage(job: Job): Promise<void> {
    const session = job.session;
    job.session = undefined;
    job.etags.clear();
    job.doneBytes = 0;
    const saved = sessions();
    const id = job.resumeKey;
    if (saved && id) void quietly(() => saved.delete(id));
    releaseLock(job);
    return session ? abortOrphan(job, session) : Promise.resolve();
  }

  const select = (id?: string) =>
    id === undefined ? [...jobs.values()] : [jobs.get(id)].filter((j): j is Job => !!j);

  // Resume keys held by jobs in this engine: two jobs with one key would share one multipart
  // upload and mix their bytes, so a second file with the same fingerprint is not resumable.
  const ownedResumeKeys = new Map<string, string>();

  function claimResumeKey(desc: FileDescriptor, mode: UploadMode, id: string): string | undefined {
    // A Blob without a name and modification time has no identity to resume by.
    if (mode !== 'multipart' || desc.lastModified === undefined || desc.name === 'blob') return undefined;
    const key = fileFingerprint(desc, resumeScope);
    if (ownedResumeKeys.has(key)) return undefined;
    ownedResumeKeys.set(key, id);
    // Picked again: it resumes as this item, and leaves the list of interrupted uploads.
    const { resumable } = store.getState();
    if (resumable.some((r) => r.id === key))
      store.setState({ resumable: resumable.filter((r) => r.id !== key) });
    return key;
  }

  function releaseLock(job: Job): void {
    job.releaseLock?.();
    job.releaseLock = undefined;
  }

  function releaseResumeKey(job: Job): void {
    releaseLock(job);
    // The claimed key, not `resumeKey`: another tab holding the lock clears that one.
    if (job.claimedKey && ownedResumeKeys.get(job.claimedKey) === job.id)
      ownedResumeKeys.delete(job.claimedKey);
  }

  // ---- interrupted uploads -------------------------------------------------------------------

  /**
   * Aborts a remembered session on the server and forgets it, for the job that holds it. Never
   * rejects; resolves once the abort is done (or given up).
   */
  async function expire(record: SessionRecord): Promise<void> {
    const saved = sessions();
    // Forgotten first: a new session under the same fingerprint may be remembered meanwhile.
    if (saved) await quietly(() => saved.delete(record.id));
    await abortRemembered(record);
  }

  /**
   * The same for a session no job of this engine holds (expired on load, discarded, reset, its
   * file changed): only under the session's lock, so an upload another tab is running (or one
   * resumed since the row was listed) is never aborted, and only if the record still names the
   * upload read. Resolves `false` when it left the session alone; `waitForAbort: false` leaves
   * the abort running in the background (`reset()` still waits for it).
   */
  async function expireUnheld(record: SessionRecord, waitForAbort = true): Promise<boolean> {
    if (ownedResumeKeys.has(record.id)) return false;
    const lock = await tryLock(sessionLockName(record.id));
    if (lock === 'held') return false;
    try {
      const saved = sessions();
      const current = saved ? await quietly(() => saved.get(record.id)) : undefined;
      if (current && current.uploadId !== record.uploadId) return false;
      if (saved) await quietly(() => saved.delete(record.id));
    } finally {
      lock?.();
    }
    const abort = abortRemembered(record);
    if (waitForAbort) await abort;
    return true;
  }

  function abortRemembered(record: SessionRecord): Promise<void> {
    if (typeof backend.abortMultipart !== 'function') return Promise.resolve();
    const cleanup = runControl('abortMultipart', () =>
      withRetry(() => backend.abortMultipart(sessionRef(record), { signal: new AbortController().signal }), {
        retry,
        signal: new AbortController().signal,
        ...(options.random ? { random: options.random } : {}),
      }),
    )
      .then(() => undefined)
      .catch(() => {
        // The bucket's AbortIncompleteMultipartUpload lifecycle rule is the backstop.
      })
      .finally(() => cleanups.delete(cleanup));
    cleanups.add(cleanup);
    return cleanup;
  }

  function publishResumable(resumable: readonly ResumableUpload[]): void {
    store.setState({ resumable });
  }

  // One read at a time: StrictMode's double mount (or two hooks) shares it.
  let loading: Promise<readonly ResumableUpload[]> | undefined;
  function loadResumable(): Promise<readonly ResumableUpload[]> {
    loading ??= readResumable().finally(() => (loading = undefined));
    return loading;
  }

  async function readResumable(): Promise<readonly ResumableUpload[]> {
    const saved = sessions();
    if (!saved) return store.getState().resumable;
    const records = (await quietly(() => saved.list(resumeScope))) ?? [];
    const held = await heldLocks();
    const resumable: ResumableUpload[] = [];
    for (const record of records) {
      if (ownedResumeKeys.has(record.id) || held.has(sessionLockName(record.id))) {
        // Uploading here or in another tab: neither listed nor expired from here.
      } else if (!isSessionRecord(record)) {
        void quietly(() => saved.delete((record as { id: string }).id));
      } else if (isExpired(record, resumeMaxAge, now())) {
        void expireUnheld(record, false);
      } else {
        const parts = (await quietly(() => saved.parts(record.id))) ?? [];
        resumable.push({
          id: record.id,
          name: record.file.name,
          size: record.file.size,
          type: record.file.type,
          lastModified: record.file.lastModified,
          bytesUploaded: Math.min(
            record.file.size,
            parts.reduce((sum, part) => sum + (part.size ?? 0), 0),
          ),
          savedAt: record.savedAt,
          expiresAt: record.savedAt + resumeMaxAge,
          canReopen: record.handle !== undefined,
        });
      }
    }
    // Files picked again while the store was being read are no longer interrupted.
    const current = resumable.filter((r) => !ownedResumeKeys.has(r.id));
    publishResumable(current);
    return current;
  }

  async function readHandle(record: SessionRecord): Promise<File> {
    const { handle } = record;
    const needsFile = (why: string, cause?: unknown) =>
      new UploadError(
        'resume-needs-file',
        `Pick "${record.file.name}" again to resume its upload: ${why}.`,
        cause === undefined ? {} : { cause },
      );
    if (!handle) throw needsFile('this browser could not keep a reference to the file');
    try {
      let permission = (await handle.queryPermission?.({ mode: 'read' })) ?? 'granted';
      if (permission !== 'granted')
        permission = (await handle.requestPermission?.({ mode: 'read' })) ?? 'denied';
      if (permission !== 'granted') throw needsFile('permission to read it was not given');
      return withHandle(await handle.getFile(), handle);
    } catch (error) {
      if (error instanceof UploadError) throw error;
      throw needsFile('it was moved, renamed or deleted', error);
    }
  }

  // Restores on their way (reading the handle, asking permission): a second click joins the first.
  const restoring = new Map<string, Promise<string>>();
  function restore(id: string, picked?: Blob): Promise<string> {
    let running = restoring.get(id);
    if (!running) {
      running = restoreOnce(id, picked).finally(() => restoring.delete(id));
      restoring.set(id, running);
    }
    return running;
  }

  async function restoreOnce(id: string, picked?: Blob): Promise<string> {
    // Already resuming here: the same item, never a rival upload.
    const owner = ownedResumeKeys.get(id);
    if (owner !== undefined && getItem(owner)) return owner;
    const saved = sessions();
    const record = saved ? await quietly(() => saved.get(id)) : undefined;
    if (!isSessionRecord(record) || record.scope !== resumeScope) {
      publishResumable(store.getState().resumable.filter((r) => r.id !== id));
      throw new UploadError('resume-gone', 'This upload is no longer remembered: upload the file again.');
    }
    if ((await heldLocks()).has(sessionLockName(id))) {
      publishResumable(store.getState().resumable.filter((r) => r.id !== id));
      throw new UploadError(
        'resume-busy',
        `"${record.file.name}" is uploading in another tab of this app; it goes on there.`,
      );
    }
    const file = picked ?? (await readHandle(record));
    const handle = picked ? undefined : record.handle;
    const same = fileFingerprint(describeFile(file, undefined), resumeScope) === id;
    if (!same && picked) {
      const size = record.file.size.toLocaleString('en-US');
      throw new UploadError(
        'resume-file-mismatch',
        `That is not the file that was uploading: pick "${record.file.name}" (${size} bytes) to resume it.`,
      );
    }
    // Changed on disk since (the handle reads it as it is now): its parts cannot be trusted.
    if (!same) await expireUnheld(record, false);
    publishResumable(store.getState().resumable.filter((r) => r.id !== id));
    return add([handle && !handleOf(file) ? withHandle(file, handle) : file]).join('');
  }

  async function discard(id: string): Promise<void> {
    publishResumable(store.getState().resumable.filter((r) => r.id !== id));
    const saved = sessions();
    const record = saved ? await quietly(() => saved.get(id)) : undefined;
    // Left alone if a tab resumed it since the row was listed (its lock is held).
    if (isSessionRecord(record)) await expireUnheld(record);
  }

  function pickMode(size: number): UploadMode {
    if (mode !== 'auto') return mode;
    return size >= (options.multipartThreshold ?? 100 * MiB) ? 'multipart' : 'single';
  }

  function add(files: Iterable<Blob> | ArrayLike<Blob>, addOptions: AddOptions = {}): string[] {
    const list = Array.from(files as ArrayLike<Blob>);
    items.publish();
    let count = store
      .getState()
      .items.filter((item) => item.status !== 'canceled' && !item.error?.isValidation).length;
    // Rejected files stay in the list, in the caller's order, with their error.
    const created: Array<{ item: UploadItem<TResult>; job: Job }> = [];
    for (const file of list) {
      const desc = describeFile(file, addOptions.metadata);
      const fileMode = pickMode(desc.size);
      let error = validateFile(desc, options, count);
      if (!error && fileMode === 'multipart') {
        try {
          choosePartSize(desc.size, options.partSize ?? DEFAULT_PART_SIZE);
        } catch (tooLarge) {
          error = toUploadError(tooLarge);
        }
      }
      if (!error && fileMode === 'single' && desc.size > 5 * 1024 * MiB) {
        error = new UploadError(
          'file-too-large',
          `"${desc.name}" is larger than 5 GiB, the most one PUT can carry. Use multipart (useMultipartUpload or mode: 'auto').`,
        );
      }
      const id = newId();
      const item: UploadItem<TResult> = {
        id,
        file,
        name: desc.name,
        size: desc.size,
        type: desc.type,
        mode: fileMode,
        status: error ? 'error' : 'queued',
        bytesUploaded: 0,
        speed: 0,
        eta: undefined,
        key: undefined,
        result: undefined,
        error,
        metadata: addOptions.metadata,
      };
      if (!error) count++;
      // A refused file claims nothing: the session stays listed and resumable.
      const job = createJob(id, file, desc, fileMode, error ? undefined : claimResumeKey(desc, fileMode, id));
      jobs.set(id, job);
      created.push({ item, job });
    }
    items.append(created.map((c) => c.item));
    for (const { item, job } of created) {
      const { error } = item;
      if (error) tell(() => options.onError?.(error, item));
      else if (options.autoStart !== false) launch(job);
    }
    return created.map((c) => c.item.id);
  }

  function pause(id?: string): void {
    for (const job of select(id)) {
      if (!canTransition(getItem(job.id)?.status ?? 'done', 'pause')) continue;
      abortInFlight(job);
      // Parts in storage are kept; only the bytes in flight are lost.
      dispatch(job.id, { type: 'progress', bytesUploaded: job.doneBytes, speed: 0, eta: undefined });
      dispatch(job.id, { type: 'pause' });
    }
    items.publish();
  }

  function resume(id?: string): void {
    for (const job of select(id)) {
      job.suspended = false;
      // The paused run may still be settling (a createMultipart answer on its way): start the
      // next run only after it, so the two never open rival uploads.
      if (dispatch(job.id, { type: 'resume' })) void job.running.then(() => launch(job));
    }
    items.publish();
  }

  async function cancel(id?: string): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const job of select(id)) {
      if (!canTransition(getItem(job.id)?.status ?? 'done', 'cancel')) continue;
      abortInFlight(job);
      dispatch(job.id, { type: 'cancel' });
      // Wait for the run to stop first: a createMultipart answered just after the abort still
      // opened an upload on storage, and it must be aborted too.
      pending.push(job.running.then(() => abortStorage(job)));
    }
    items.publish();
    await Promise.all(pending);
  }

  return {
    store,
    getItem: items.published,
    add,
    upload(files, addOptions) {
      return items.whenSettled(add(files, addOptions));
    },
    start(id) {
      for (const job of select(id)) launch(job);
    },
    pause,
    resume,
    cancel,
    retry(id) {
      for (const job of select(id)) {
        const item = getItem(job.id);
        if (!item || item.error?.isValidation) continue;
        if (dispatch(job.id, { type: 'retry' })) void job.running.then(() => launch(job));
      }
      items.publish();
    },
    async remove(id) {
      // A file that is completing is left to finish: interrupting would orphan the object.
      const cleanup = cancel(id);
      const job = jobs.get(id);
      if (job) releaseResumeKey(job);
      jobs.delete(id);
      items.remove(id);
      await cleanup;
    },
    async reset() {
      const all = cancel();
      // Files in `completing` are left to finish (see remove); the rest is already aborted.
      for (const job of jobs.values()) releaseLock(job);
      ownedResumeKeys.clear();
      jobs.clear();
      items.clear();
      const interrupted = store.getState().resumable;
      publishResumable([]);
      await Promise.all([all, ...interrupted.map((r) => discard(r.id))]);
      await Promise.all([...cleanups]);
    },
    suspend() {
      for (const job of jobs.values()) {
        const status = getItem(job.id)?.status;
        if (status && canTransition(status, 'pause')) {
          pause(job.id);
          job.suspended = true;
        }
        // Unmounted: another page of this app (or a tab) may now resume these sessions. Not while
        // completing (that cannot pause): the lock goes when the run settles.
        if (status !== 'completing') releaseLock(job);
      }
    },
    wake() {
      for (const job of jobs.values()) if (job.suspended) resume(job.id);
    },
    loadResumable,
    restore,
    discard,
    setOptions(next) {
      options = { ...options, ...next };
      if (next.concurrency !== undefined) {
        congestion.setCeiling(next.concurrency);
        scheduler.setConcurrency(congestion.current);
      }
    },
  };
}
