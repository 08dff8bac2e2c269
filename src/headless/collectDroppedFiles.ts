// Walking a drop (folders, File System Access handles): a chunk of its own, which useDropzone
// fetches when a drag first enters its zone; snapshotDrop, read during the drop event, is not.
import { withRelativePath } from '../core/job.js';
import { withHandle } from '../core/resumeRecord.js';
import type { ResumableFileHandle } from '../core/resumeStore.js';
import type { DropSnapshot } from './collectFiles.js';

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
