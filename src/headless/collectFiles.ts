/**
 * Files from a drop, with folders walked. Directory entries are read in the batches the browser
 * hands out (readEntries returns at most 100 at a time) and the walk stops as soon as `limit`
 * files were found, so dropping a huge folder does not stall the page.
 */
export async function collectDroppedFiles(dataTransfer: DataTransfer, limit = Infinity): Promise<File[]> {
  const items = Array.from(dataTransfer.items ?? []);
  const entries = items
    .filter((item) => item.kind === 'file')
    .map((item) => (typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null));
  // No entry API (or plain files only): the FileList is all there is.
  if (entries.length === 0 || entries.some((entry) => entry === null)) {
    return Array.from(dataTransfer.files).slice(0, limit);
  }
  const files: File[] = [];
  const queue: FileSystemEntry[] = entries.filter((entry): entry is FileSystemEntry => entry !== null);
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
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}
