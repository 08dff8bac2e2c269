import { canChecksum } from './checksum.js';
import { createCongestion } from './congestion.js';
import { choosePartSize, DEFAULT_PART_SIZE } from './chunkPlan.js';
import type { EngineContext } from './engineContext.js';
import { abortedError, toUploadError, unrequestedAbort, UploadError } from './errors.js';
import { bytesOf, createJob, describeFile, hasStarted, sessionRef, type Job } from './job.js';
import { progressAction } from './progress.js';
import { createItemStore } from './itemStore.js';
import { createNetworkWait } from './network.js';
import { nextTask } from './nextTask.js';
import { createRequests } from './requests.js';
import { createInterrupted } from './interrupted.js';
import { lazyChunk } from './lazyChunk.js';
import { defaultSessionStore, quietly, type SessionStore } from './resumeStore.js';
import { DEFAULT_RETRY } from './retry.js';
import { createScheduler } from './scheduler.js';
import { fileChecksum, runSingle } from './singleUpload.js';
import { createPresigner } from './presignAhead.js';
import type {
  CompleteSingleInput,
  PresignRequest,
  PresignResult,
  MultipartSession,
  MultipartUploadBackend,
  SingleUploadBackend,
  UploadItem,
  UploadMode,
} from './types.js';
import { canTransition } from './uploadMachine.js';
import { validateFile } from './validate.js';

const MiB = 1024 * 1024;
/** Files `upload()` adds per task (see addInSlices). */
const ADD_SLICE = 8;

import type { AddOptions, ControlRunner, UploadEngine, UploadEngineOptions } from './engineOptions.js';

// Loaded with the first multipart file: an app of small files never downloads it.
const loadMultipart = /* @__PURE__ */ lazyChunk(() => import('./multipartUpload.js'));

export type * from './engineOptions.js';

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

// Unique in the page by the counter, and across reloads by the page's random part (made once:
// a float's toString(36) per file was a tenth of adding 10,000 files).
let nextId = 0;
const pageId = Math.random().toString(36).slice(2, 8);
const newId = () => `upk_${(++nextId).toString(36)}_${pageId}`;

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
  const batchSize = Math.max(1, options.batchSize ?? 20);

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

  // ---- interrupted uploads -------------------------------------------------------------------

  const interrupted = createInterrupted<TResult>({
    store,
    backend,
    sessions,
    resumeScope,
    resumeMaxAge,
    now,
    runControl,
    retry,
    random: options.random ? { random: options.random } : {},
    track: (cleanup) => {
      const tracked = cleanup.finally(() => cleanups.delete(tracked));
      cleanups.add(tracked);
    },
    hasItem: (id) => getItem(id) !== undefined,
    add: (file) => add([file]).join(''),
  });
  const { claimResumeKey, releaseLock, releaseResumeKey, expire, publishResumable } = interrupted;

  // ---- the network ---------------------------------------------------------------------------

  const waitForNetwork = createNetworkWait((offline) => store.setState({ offline }));

  // ---- requests ------------------------------------------------------------------------------

  const { control, put, batcherOf } = createRequests({
    scheduler,
    congestion,
    runControl,
    retry,
    random: options.random ? { random: options.random } : {},
    waitForNetwork,
    transport: options.transport,
    stallTimeoutMs,
    batchSize,
    controlConcurrency: options.controlConcurrency ?? 4,
    markProgress,
  });

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
    putRetry: { ...retry, baseDelayMs: Math.min(retry.baseDelayMs, 100) },
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
    put,
  };

  // ---- lifecycle -----------------------------------------------------------------------------

  // Files waiting for their run to start, in the order added. Runs are started only so many
  // ahead of the PUT slots (enough to sign ahead and keep every slot busy): ten thousand files
  // added at once cost ten thousand items, not ten thousand running promises, timers and
  // abort listeners set up in one long task.
  const unlaunched = new Set<Job>();
  let running = 0;
  const runsAhead = () => 2 * (2 * batchSize + partConcurrency());

  function launchMore(): void {
    for (const job of unlaunched) {
      if (running >= runsAhead()) return;
      unlaunched.delete(job);
      if (jobs.get(job.id) === job) launch(job);
    }
  }

  /** Back in line (resumed, retried): it starts in its turn, with the others. */
  function requeue(job: Job): void {
    unlaunched.add(job);
    launchMore();
  }

  function launch(job: Job): void {
    // One run per job: a second start() (a double click) must not start a rival run.
    if (job.controller || getItem(job.id)?.status !== 'queued') return;
    unlaunched.delete(job);
    running++;
    const controller = new AbortController();
    job.controller = controller;
    job.meter = { bytes: bytesOf(job), time: now(), speed: 0 };
    const run =
      job.mode === 'single'
        ? runSingle(context, job, controller.signal)
        : loadMultipart().then(({ runMultipart }) => {
            // Paused or canceled while it loaded: a stale run must not start (its status
            // changes would land on the next run's item).
            if (controller.signal.aborted) throw abortedError();
            return runMultipart(context, job, controller.signal);
          });
    const settled = () => {
      if (job.controller === controller) job.controller = undefined;
      running--;
      launchMore();
    };
    job.running = run.then(settled, settled);
    run.then(
      (result) => {
        if (controller.signal.aborted) return;
        releaseResumeKey(job);
        // onSuccess is called once the store shows it done (itemStore's onSettled). Nothing can
        // happen to a done file but its removal: its job (URLs, part maps) is let go, so ten
        // thousand files done hold their items and little else.
        if (dispatch(job.id, { type: 'succeed', result })) jobs.delete(job.id);
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

  // Every job, or those of one id or a list of ids (one store update for all of them).
  const select = (id?: string | readonly string[]) =>
    id === undefined ? [...jobs.values()] : [id].flat().flatMap((one) => jobs.get(one) ?? []);

  function pickMode(size: number): UploadMode {
    if (mode !== 'auto') return mode;
    return size >= (options.multipartThreshold ?? 100 * MiB) ? 'multipart' : 'single';
  }

  function add(files: Iterable<Blob> | ArrayLike<Blob>, addOptions: AddOptions = {}): string[] {
    flushIncoming();
    return addNow(files, addOptions);
  }

  function addNow(files: Iterable<Blob> | ArrayLike<Blob>, addOptions: AddOptions = {}): string[] {
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
    items.append(
      created.map((c) => c.item),
      adding,
    );
    for (const { item, job } of created) {
      const { error } = item;
      if (error) tell(() => options.onError?.(error, item));
      else if (options.autoStart !== false) unlaunched.add(job);
    }
    launchMore();
    return created.map((c) => c.item.id);
  }

  function pause(id?: string | readonly string[]): void {
    if (id === undefined) flushIncoming();
    for (const job of select(id)) {
      if (!canTransition(getItem(job.id)?.status ?? 'done', 'pause')) continue;
      abortInFlight(job);
      // Parts in storage are kept; only the bytes in flight are lost.
      dispatch(job.id, { type: 'progress', bytesUploaded: job.doneBytes, speed: 0, eta: undefined });
      dispatch(job.id, { type: 'pause' });
    }
    items.publish();
  }

  function resume(id?: string | readonly string[]): void {
    for (const job of select(id)) {
      job.suspended = false;
      // The paused run may still be settling (a createMultipart answer on its way): start the
      // next run only after it, so the two never open rival uploads.
      if (dispatch(job.id, { type: 'resume' })) void job.running.then(() => requeue(job));
    }
    items.publish();
  }

  /**
   * upload() calls still adding their files, oldest first. A long list is added ADD_SLICE files
   * a task: the first `file.size` of a file from disk is a synchronous call to the browser
   * process (1.7 to 3.7 ms a file on a busy machine), so 200 dropped photos added at once held
   * the page for up to 240 ms, and React committed their 200 rows in the same task. Any other
   * change to the list (add, start or pause of all, suspend) first adds what is still to come, so
   * the list's order, `maxFiles` and those actions see every file as before.
   */
  const incoming: Array<{ list: Blob[]; at: number; addOptions: AddOptions; ids: string[]; done(): void }> =
    [];
  // Files upload() calls have still to add (the store's `adding`).
  let adding = 0;
  let pumping = false;

  function addSlice(count: number): void {
    const entry = incoming[0];
    if (!entry) return;
    const slice = entry.list.slice(entry.at, (entry.at += count));
    adding -= slice.length;
    entry.ids.push(...addNow(slice, entry.addOptions));
    if (entry.at >= entry.list.length) {
      incoming.shift();
      entry.done();
    }
  }

  /** Adds every file still to come, now. */
  function flushIncoming(): void {
    while (incoming[0]) addSlice(Infinity);
  }

  /** Forgets the files still to come (cancel of all, reset); their upload() resolves. */
  function dropIncoming(): void {
    if (!incoming.length) return;
    for (const entry of incoming.splice(0)) entry.done();
    store.setState({ adding: (adding = 0) });
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (incoming[0]) {
        await nextTask();
        addSlice(ADD_SLICE);
      }
    } catch {
      // A slice that could not be added (not a file): the rest of its list is dropped.
      dropIncoming();
    } finally {
      pumping = false;
    }
  }

  function upload(files: Iterable<Blob> | ArrayLike<Blob>, addOptions: AddOptions = {}) {
    flushIncoming();
    const list = Array.from(files as ArrayLike<Blob>);
    // Outside a browser (no MessageChannel: Jest's jsdom) there is no page to keep responsive.
    if (list.length <= ADD_SLICE || typeof MessageChannel !== 'function') {
      return items.whenSettled(addNow(list, addOptions));
    }
    const ids = new Promise<string[]>((done) => {
      const entry = { list, at: 0, addOptions, ids: [] as string[], done: () => done(entry.ids) };
      adding += list.length;
      incoming.push(entry);
    });
    try {
      addSlice(ADD_SLICE);
    } catch (error) {
      dropIncoming();
      throw error;
    }
    void pump();
    return ids.then((added) => items.whenSettled(added));
  }

  async function cancel(id?: string | readonly string[]): Promise<void> {
    if (id === undefined) dropIncoming();
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
    upload,
    start(id) {
      if (id === undefined) flushIncoming();
      // One file: at once. All: in order, as many ahead as when added.
      if (id !== undefined) for (const job of select(id)) launch(job);
      else {
        for (const job of select()) unlaunched.add(job);
        launchMore();
      }
    },
    setMetadata(id, metadata) {
      const job = jobs.get(id);
      if (!job || hasStarted(job)) return false;
      const merge = (base: Record<string, string> | undefined) =>
        Object.fromEntries(
          Object.entries({ ...base, ...metadata }).filter(
            (entry): entry is [string, string] => entry[1] !== undefined,
          ),
        );
      if (!dispatch(id, { type: 'metadata', metadata: merge(getItem(id)?.metadata) })) return false;
      // The descriptor is what presign and multipart send; nothing has read it yet.
      job.desc.metadata = merge(job.desc.metadata);
      items.publish();
      return true;
    },
    pause,
    resume,
    cancel,
    retry(id) {
      for (const job of select(id)) {
        const item = getItem(job.id);
        if (!item || item.error?.isValidation) continue;
        if (dispatch(job.id, { type: 'retry' })) void job.running.then(() => requeue(job));
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
      interrupted.releaseAll();
      jobs.clear();
      items.clear();
      const remembered = store.getState().resumable;
      publishResumable([]);
      await Promise.all([all, ...remembered.map((r) => interrupted.discard(r.id))]);
      await Promise.all([...cleanups]);
    },
    suspend() {
      flushIncoming();
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
    loadResumable: interrupted.loadResumable,
    restore: interrupted.restore,
    discard: interrupted.discard,
    setOptions(next) {
      options = { ...options, ...next };
      if (next.concurrency !== undefined) {
        congestion.setCeiling(next.concurrency);
        scheduler.setConcurrency(congestion.current);
      }
    },
  };
}
