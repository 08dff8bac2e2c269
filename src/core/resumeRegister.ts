import { UploadError } from './errors.js';
import type { InterruptedOptions } from './interrupted.js';
import { describeFile, sessionRef } from './job.js';
import { heldLocks, sessionLockName, tryLock } from './locks.js';
import { handleOf, isExpired, isSessionRecord, withHandle } from './resumeRecord.js';
import { fileFingerprint, quietly, type SessionRecord } from './resumeStore.js';
import { withRetry } from './retry.js';
import type { ResumableUpload } from './selectors.js';

/**
 * The register's work with remembered sessions: listing, resuming, discarding and expiring them.
 * Loaded on first use (the hooks' mount), so an app's up-front bundle does not carry it.
 */
export function createResumeRegister<TResult>(
  options: InterruptedOptions<TResult> & {
    ownedResumeKeys: ReadonlyMap<string, string>;
    publishResumable(resumable: readonly ResumableUpload[]): void;
  },
) {
  const { store, backend, sessions, resumeScope, resumeMaxAge, now, runControl, retry } = options;
  const { ownedResumeKeys, publishResumable } = options;

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
    const abortMultipart = backend.abortMultipart?.bind(backend);
    if (!abortMultipart) return Promise.resolve();
    const cleanup = runControl('abortMultipart', () =>
      withRetry(() => abortMultipart(sessionRef(record), { signal: new AbortController().signal }), {
        retry,
        signal: new AbortController().signal,
        ...options.random,
      }),
    )
      .then(() => undefined)
      .catch(() => {
        // The bucket's AbortIncompleteMultipartUpload lifecycle rule is the backstop.
      });
    options.track(cleanup);
    return cleanup;
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
    if (owner !== undefined && options.hasItem(owner)) return owner;
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
    return options.add(handle && !handleOf(file) ? withHandle(file, handle) : file);
  }

  async function discard(id: string): Promise<void> {
    publishResumable(store.getState().resumable.filter((r) => r.id !== id));
    const saved = sessions();
    const record = saved ? await quietly(() => saved.get(id)) : undefined;
    // Left alone if a tab resumed it since the row was listed (its lock is held).
    if (isSessionRecord(record)) await expireUnheld(record);
  }

  return { expire, loadResumable, restore, discard };
}
