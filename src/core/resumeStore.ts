import type { FileDescriptor, MultipartSession } from './types';

/** Where multipart sessions are remembered across page reloads. `localStorage` fits. */
export interface ResumeStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What is remembered about an unfinished multipart upload. */
export interface SavedSession extends MultipartSession {
  partSize: number;
  savedAt: number;
}

const PREFIX = 'upkit:mpu:';

/**
 * Identifies "the same file" across reloads without reading it: name, size, type and
 * modification time, within a scope (the endpoint, or the app's user id).
 */
export function fileFingerprint(file: FileDescriptor, scope: string): string {
  return `${PREFIX}${scope}:${file.name}:${file.size}:${file.type}:${file.lastModified ?? ''}`;
}

/** `localStorage` where it exists and works (not during SSR, not when storage is blocked). */
export function defaultResumeStorage(): ResumeStorage | undefined {
  try {
    const storage = globalThis.localStorage;
    return storage ?? undefined;
  } catch {
    // Accessing localStorage throws when cookies are blocked.
    return undefined;
  }
}

/** Reads a saved session, or `undefined` when absent, unreadable or older than `maxAgeMs`. */
export function loadSession(
  storage: ResumeStorage,
  key: string,
  maxAgeMs: number,
  now: number,
): SavedSession | undefined {
  try {
    const raw = storage.getItem(key);
    if (!raw) return undefined;
    const saved = JSON.parse(raw) as Partial<SavedSession>;
    if (
      typeof saved.uploadId !== 'string' ||
      typeof saved.key !== 'string' ||
      typeof saved.partSize !== 'number' ||
      typeof saved.savedAt !== 'number' ||
      now - saved.savedAt > maxAgeMs
    ) {
      storage.removeItem(key);
      return undefined;
    }
    return saved as SavedSession;
  } catch {
    return undefined;
  }
}

/** Saves a session; storage that is full or blocked only costs the ability to resume. */
export function saveSession(storage: ResumeStorage, key: string, session: SavedSession): void {
  try {
    storage.setItem(key, JSON.stringify(session));
  } catch {
    // Quota exceeded or storage disabled: resuming after reload is best effort.
  }
}

export function forgetSession(storage: ResumeStorage, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // See saveSession.
  }
}
