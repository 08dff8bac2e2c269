// What the lazy parts of resuming read from a remembered session and from a file: multipart
// uploads, the resume register, and the drop walker. Apart from resumeStore.ts so that the code
// every page loads does not carry them (a module shared with a lazy chunk goes up front whole).
import type { ResumableFileHandle, SessionRecord } from './resumeStore.js';

/** The handle a file carries as `file.handle` (the convention of browser-fs-access), if any. */
export function handleOf(file: Blob): ResumableFileHandle | undefined {
  const handle = (file as { handle?: Partial<ResumableFileHandle> }).handle;
  return handle && handle.kind === 'file' && typeof handle.getFile === 'function'
    ? (handle as ResumableFileHandle)
    : undefined;
}

/** Attaches a file handle to a file, as `file.handle`, so that its upload can be reopened. */
export function withHandle<T extends Blob>(file: T, handle: ResumableFileHandle): T {
  Object.defineProperty(file, 'handle', { value: handle, configurable: true });
  return file;
}

/**
 * Whether a record is past its age and should be aborted and forgotten; one dated further in the
 * future than that (saved under a clock that was wrong) would never expire, so it counts too.
 */
export function isExpired(record: SessionRecord, maxAgeMs: number, now: number): boolean {
  return !(Math.abs(now - record.savedAt) <= maxAgeMs);
}

/** Reads a record, checking its shape: a store written by another version may hold anything. */
export function isSessionRecord(value: unknown): value is SessionRecord {
  const record = value as Partial<SessionRecord> | undefined;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.id === 'string' &&
    typeof record.uploadId === 'string' &&
    typeof record.key === 'string' &&
    typeof record.scope === 'string' &&
    // Within S3's part sizes: anything else cannot be planned, and would fail every retry.
    Number.isSafeInteger(record.partSize) &&
    (record.partSize ?? 0) >= 5 * 1024 * 1024 &&
    (record.partSize ?? 0) <= 5 * 1024 * 1024 * 1024 &&
    typeof record.savedAt === 'number' &&
    typeof record.file === 'object' &&
    record.file !== null &&
    typeof record.file.name === 'string' &&
    typeof record.file.type === 'string' &&
    Number.isSafeInteger(record.file.size) &&
    record.file.size > 0
  );
}
