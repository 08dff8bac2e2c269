import { lazyChunk } from './lazyChunk.js';
import type { FileDescriptor, MultipartSession, UploadedPart } from './types.js';

const loadIdb = /* @__PURE__ */ lazyChunk(() => import('./idbSessionStore.js'));

// Unfinished multipart uploads, remembered so that a reload, a crash or a browser restart costs
// at most the parts that were in flight. IndexedDB by default: it outlives the tab, holds File
// System Access handles (so the file can be reopened without the user finding it again), and
// takes one small write per finished part.

/**
 * A file handle from the File System Access API (`showOpenFilePicker`, a drop's
 * `getAsFileSystemHandle()`, or the origin private file system). Kept with a session, it lets
 * the upload resume after a restart without the user picking the file again.
 */
export interface ResumableFileHandle {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
  queryPermission?(descriptor: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(descriptor: { mode: 'read' }): Promise<PermissionState>;
}

/**
 * What is remembered about an unfinished multipart upload. Its `token` only works together with
 * the same user's own sign-in (the server checks the user it names); set `resumeScope` to the
 * user's id where several people share a browser profile.
 */
export interface SessionRecord extends MultipartSession {
  /** The file's fingerprint within its scope (see `fileFingerprint`). */
  id: string;
  scope: string;
  file: Pick<FileDescriptor, 'name' | 'size' | 'type' | 'lastModified'>;
  partSize: number;
  /** When the upload was opened; the record expires `resumeMaxAgeMs` after it. */
  savedAt: number;
  handle?: ResumableFileHandle;
}

/** A part storage accepted, as remembered with its session. */
export interface StoredPart extends UploadedPart {
  id: string;
}

/**
 * Where sessions are remembered. Every method may reject (storage blocked, quota, a private
 * window); upkit then carries on without resuming, and loses nothing else.
 */
export interface SessionStore {
  get(id: string): Promise<SessionRecord | undefined>;
  /** Sessions of one scope, oldest first. */
  list(scope: string): Promise<SessionRecord[]>;
  put(record: SessionRecord): Promise<void>;
  /** Forgets a session and its parts. */
  delete(id: string): Promise<void>;
  putPart(part: StoredPart): Promise<void>;
  parts(id: string): Promise<StoredPart[]>;
}

const PREFIX = 'upkit:mpu:';

/**
 * Identifies "the same file" across reloads without reading it: name, size, type and
 * modification time, within a scope (the endpoint, or the app's user id). Content is checked
 * later, part by part, by checksum.
 */
export function fileFingerprint(file: FileDescriptor, scope: string): string {
  // JSON, not a separator: no scope and name can be cut differently into the same id.
  return PREFIX + JSON.stringify([scope, file.name, file.size, file.type, file.lastModified ?? null]);
}

/**
 * Sessions in IndexedDB (database `upkit`, or `name`). Opened on first use; where IndexedDB is
 * missing or refused (some private windows, blocked storage), every call rejects and upkit runs
 * without resuming.
 */
export function indexedDBSessionStore(name = 'upkit'): SessionStore {
  // Loaded on first use, with idb: an app that never resumes never downloads either.
  // A refused database is kept (every call rejects); a chunk that did not arrive is fetched again.
  let opened: Promise<SessionStore> | undefined;
  const store = () =>
    (opened ??= loadIdb().then(
      ({ openIndexedDBSessionStore }) => openIndexedDBSessionStore(name),
      (error: unknown) => {
        opened = undefined;
        throw error;
      },
    ));
  return {
    get: async (id) => (await store()).get(id),
    list: async (scope) => (await store()).list(scope),
    put: async (record) => (await store()).put(record),
    delete: async (id) => (await store()).delete(id),
    putPart: async (part) => (await store()).putPart(part),
    parts: async (id) => (await store()).parts(id),
  };
}

/** Sessions in memory: lost on reload. For tests, and for runtimes without IndexedDB. */
export function memorySessionStore(): SessionStore & {
  readonly records: ReadonlyMap<string, SessionRecord>;
} {
  const records = new Map<string, SessionRecord>();
  const parts = new Map<string, Map<number, StoredPart>>();
  return {
    records,
    get: async (id) => records.get(id),
    list: async (scope) =>
      [...records.values()].filter((record) => record.scope === scope).sort((a, b) => a.savedAt - b.savedAt),
    put: async (record) => void records.set(record.id, record),
    delete: async (id) => {
      records.delete(id);
      parts.delete(id);
    },
    putPart: async (part) => {
      const held = parts.get(part.id) ?? new Map<number, StoredPart>();
      parts.set(part.id, held.set(part.partNumber, part));
    },
    parts: async (id) => [...(parts.get(id)?.values() ?? [])],
  };
}

/** IndexedDB where the runtime has it (not during SSR, not in old test DOMs), else nothing. */
export function defaultSessionStore(): SessionStore | undefined {
  try {
    return typeof indexedDB === 'undefined' ? undefined : indexedDBSessionStore();
  } catch {
    // Touching indexedDB throws where storage is blocked outright.
    return undefined;
  }
}

/** Runs a session store call whose failure only costs resuming: it resolves `undefined` instead. */
export function quietly<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return call().catch(() => undefined);
  } catch {
    return Promise.resolve(undefined);
  }
}
