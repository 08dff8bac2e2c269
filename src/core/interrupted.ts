import type { StoreApi } from 'zustand/vanilla';
import type { ControlRunner } from './engineOptions.js';
import type { Job } from './job.js';
import { lazyChunk } from './lazyChunk.js';
import type { createResumeRegister } from './resumeRegister.js';
import { fileFingerprint, type SessionRecord, type SessionStore } from './resumeStore.js';
import type { ResolvedRetryOptions } from './retry.js';
import type { ResumableUpload, UploaderState } from './selectors.js';
import type { FileDescriptor, MultipartUploadBackend, UploadMode } from './types.js';

const loadRegister = /* @__PURE__ */ lazyChunk(() => import('./resumeRegister.js'));

/** What the register of interrupted uploads needs from its engine. */
export interface InterruptedOptions<TResult> {
  store: StoreApi<UploaderState<TResult>>;
  backend: Partial<MultipartUploadBackend<TResult>>;
  /** Where sessions are remembered; `undefined` when resuming is off. */
  sessions(): SessionStore | undefined;
  resumeScope: string;
  resumeMaxAge: number;
  now(): number;
  runControl: ControlRunner;
  retry: ResolvedRetryOptions;
  random: { random?: () => number };
  /** Keeps a cleanup (an abort on the server) for `reset()` to wait for. */
  track(cleanup: Promise<void>): void;
  /** Whether the engine's list has this item. */
  hasItem(id: string): boolean;
  /** Adds a file to the engine's list; returns its id. */
  add(file: Blob): string;
}

/**
 * The uploads a reload, a crash or a closed tab interrupted, and which of them this engine's
 * jobs hold. Claiming and releasing a file's fingerprint happen here, at once; listing the
 * interrupted uploads (`resumable`), resuming one (`restore`), aborting one (`discard`) and
 * forgetting those past their age are in resumeRegister.ts, loaded on first use.
 */
export function createInterrupted<TResult>(options: InterruptedOptions<TResult>) {
  const { store, sessions, resumeScope } = options;

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

  function publishResumable(resumable: readonly ResumableUpload[]): void {
    store.setState({ resumable });
  }

  type Register = ReturnType<typeof createResumeRegister<TResult>>;
  let register: Promise<Register> | undefined;
  const load = () =>
    (register ??= loadRegister().then(
      ({ createResumeRegister }) => createResumeRegister({ ...options, ownedResumeKeys, publishResumable }),
      (error: unknown) => {
        // The chunk did not arrive: the next call fetches it again.
        register = undefined;
        throw error;
      },
    ));

  return {
    claimResumeKey,
    releaseLock,
    releaseResumeKey,
    /** Forgets every key this engine's jobs hold (`reset()`). */
    releaseAll(): void {
      ownedResumeKeys.clear();
    },
    publishResumable,
    /** Aborts a remembered session on the server and forgets it, for the job that holds it. */
    expire: (record: SessionRecord) => load().then((r) => r.expire(record)),
    /** See `UploadEngine.loadResumable`. Without a session store there is nothing to load. */
    loadResumable: (): Promise<readonly ResumableUpload[]> =>
      sessions() ? load().then((r) => r.loadResumable()) : Promise.resolve(store.getState().resumable),
    restore: (id: string, file?: Blob) => load().then((r) => r.restore(id, file)),
    discard: (id: string) => load().then((r) => r.discard(id)),
  };
}
