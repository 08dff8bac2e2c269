import { withRelativePath } from '../core/job.js';
import { withHandle, type ResumableFileHandle } from '../core/resumeStore.js';

/** What a drop carried, read while the drop event is dispatched (afterwards the browser empties it). */
export interface DropSnapshot {
  files: File[];
  /** Directory-capable entries, or `undefined` when the browser gives none for some item. */
  entries: FileSystemEntry[] | undefined;
  /**
   * File System Access handles of the dropped items, where the browser gives them (Chromium):
   * a file dropped with its handle can resume after a restart without being picked again.
   */
  handles?: Array<Promise<unknown> | undefined>;
}

type ItemWithHandle = DataTransferItem & { getAsFileSystemHandle?: () => Promise<unknown> };

/** Reads a DataTransfer synchronously, inside its event handler. */
export function snapshotDrop(dataTransfer: DataTransfer | null): DropSnapshot {
  if (!dataTransfer) return { files: [], entries: undefined };
  const files = Array.from(dataTransfer.files ?? []);
  const items = Array.from(dataTransfer.items ?? []).filter((item) => item.kind === 'file');
  const entries = items.map((item) =>
    typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null,
  );
  const complete = entries.length > 0 && entries.every((entry): entry is FileSystemEntry => entry !== null);
  const handles = items.map((item: ItemWithHandle) => {
    try {
      const handle = item.getAsFileSystemHandle?.();
      // Folders' handles are never awaited: a refusal must not surface as an unhandled rejection.
      handle?.catch(() => undefined);
      return handle;
    } catch {
      return undefined;
    }
  });
  return { files, entries: complete ? entries : undefined, handles };
}

/**
 * Files from a drop, with folders walked. Files dropped as themselves are all kept (the uploader
 * decides about limits); files found inside folders stop at `limit`, so a huge folder does not
 * stall the page. Directories are read in the batches the browser hands out (readEntries gives
 * at most 100 at a time). An entry that cannot be read, or does not answer within `timeoutMs`
 * (a stalled network drive), is skipped, not the whole drop.
 */
export async function collectDroppedFiles(
  drop: DropSnapshot,
  limit = Infinity,
  timeoutMs = 10_000,
): Promise<File[]> {
  const fileOf = (entry: FileSystemFileEntry) =>
    answer<File>((resolve, reject) => entry.file(resolve, reject), timeoutMs);
  const readBatch = (reader: FileSystemDirectoryReader) =>
    answer<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject), timeoutMs);
  if (!drop.entries) return drop.files;
  const files: File[] = [];
  const folders: FileSystemDirectoryEntry[] = [];
  for (const [index, entry] of drop.entries.entries()) {
    if (entry.isDirectory) {
      folders.push(entry as FileSystemDirectoryEntry);
      continue;
    }
    // The plain list holds the same file when the entry API fails for it.
    const file = await fileOf(entry as FileSystemFileEntry).catch(() => drop.files[index]);
    if (file) files.push(await attachHandle(file, drop.handles?.[index], timeoutMs));
  }
  const queue: FileSystemEntry[] = [...folders];
  // Files queued but not read yet: a folder's read stops once they would reach the limit.
  let queuedFiles = 0;
  // An index, not shift(): a dropped folder can queue tens of thousands of entries.
  for (let next = 0; next < queue.length && files.length < limit; next++) {
    const entry = queue[next];
    if (!entry) break;
    try {
      if (entry.isFile) {
        queuedFiles--;
        // `photos/2024/a.jpg`: the folder's structure travels as the file's metadata.
        files.push(withRelativePath(await fileOf(entry as FileSystemFileEntry), entry.fullPath ?? ''));
      } else if (entry.isDirectory) {
        const reader = (entry as FileSystemDirectoryEntry).createReader();
        for (let batch = await readBatch(reader); batch.length > 0; batch = await readBatch(reader)) {
          queue.push(...batch);
          queuedFiles += batch.filter((e) => e.isFile).length;
          if (files.length + queuedFiles >= limit) break;
        }
      }
    } catch {
      // Unreadable (permissions, a broken link): skip it and keep walking.
    }
  }
  return files;
}

/** The file, carrying its File System Access handle when the drop gave one for it. */
async function attachHandle(
  file: File,
  handle: Promise<unknown> | undefined,
  timeoutMs: number,
): Promise<File> {
  if (!handle) return file;
  const given = (await answer<unknown>(
    (resolve, reject) => void handle.then(resolve, reject),
    timeoutMs,
  ).catch(() => undefined)) as Partial<ResumableFileHandle> | null | undefined;
  return given?.kind === 'file' && typeof given.getFile === 'function' && given.name === file.name
    ? withHandle(file, given as ResumableFileHandle)
    : file;
}

/** A callback-style entry call as a promise that fails if no answer comes in time. */
function answer<T>(
  call: (resolve: (value: T) => void, reject: (error: unknown) => void) => void,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    call(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
