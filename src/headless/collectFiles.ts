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
