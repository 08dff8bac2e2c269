/** What a drop carried, read while the drop event is dispatched (afterwards the browser empties it). */
export interface DropSnapshot {
  files: File[];
  /** Directory-capable entries, or `undefined` when the browser gives none for some item. */
  entries: FileSystemEntry[] | undefined;
}

/** Reads a DataTransfer synchronously, inside its event handler. */
export function snapshotDrop(dataTransfer: DataTransfer | null): DropSnapshot {
  if (!dataTransfer) return { files: [], entries: undefined };
  const files = Array.from(dataTransfer.files ?? []);
  const items = Array.from(dataTransfer.items ?? []).filter((item) => item.kind === 'file');
  const entries = items.map((item) =>
    typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null,
  );
  const complete = entries.length > 0 && entries.every((entry): entry is FileSystemEntry => entry !== null);
  return { files, entries: complete ? entries : undefined };
}

/**
 * Files from a drop, with folders walked. Directory entries are read in the batches the browser
 * hands out (readEntries returns at most 100 at a time) and the walk stops as soon as `limit`
 * files were found, so dropping a huge folder does not stall the page. If the entry API fails,
 * the plain file list is used.
 */
export async function collectDroppedFiles(drop: DropSnapshot, limit = Infinity): Promise<File[]> {
  // Plain files cost nothing to list: all of them, the uploader decides.
  if (!drop.entries) return drop.files;
  try {
    const files: File[] = [];
    const queue = [...drop.entries];
    while (queue.length > 0 && files.length < limit) {
      const entry = queue.shift();
      if (!entry) break;
      if (entry.isFile) {
        files.push(await fileOf(entry as FileSystemFileEntry));
      } else if (entry.isDirectory) {
        const reader = (entry as FileSystemDirectoryEntry).createReader();
        for (let batch = await readBatch(reader); batch.length > 0; batch = await readBatch(reader)) {
          queue.push(...batch);
          if (files.length + queue.filter((e) => e.isFile).length >= limit) break;
        }
      }
    }
    return files.slice(0, limit);
  } catch {
    return drop.files;
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}
