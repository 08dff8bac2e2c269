import { useCallback, useEffect, useRef, useState } from 'react';

const MiB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MiB) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

interface StoredObject {
  key: string;
  size: number;
  /** Made by the server's image worker a moment after an image is verified. */
  thumbnail?: string;
  /** The worker is still making it. */
  thumbnailPending?: boolean;
}

/**
 * Lists the bucket; a thumbnail follows its image by a moment, so while the server says one is
 * being made it looks again (10 times at most, never while offline).
 */
function listBucket(
  show: (objects: StoredObject[]) => void,
  timer: { current: ReturnType<typeof setTimeout> | undefined },
  tries = 0,
): void {
  void fetch('/api/objects')
    .then((response) => response.json() as Promise<StoredObject[]>)
    .then((listed) => {
      show(listed);
      const waiting = listed.some((object) => object.thumbnailPending);
      // Not while offline: the list comes again when an upload finishes.
      if (waiting && tries < 10 && navigator.onLine) {
        timer.current = setTimeout(() => listBucket(show, timer, tries + 1), 1000);
      }
    });
}

/** What the bucket holds, and `refresh` to call when an upload finishes. */
export function useBucket() {
  const [objects, setObjects] = useState<StoredObject[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const load = useCallback(() => listBucket(setObjects, timer), []);
  // Many files finish close together: list the bucket once they have, not once per file.
  const refresh = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(load, 500);
  }, [load]);
  useEffect(() => {
    load();
    return () => clearTimeout(timer.current);
  }, [load]);
  return { objects, refresh };
}

export function Bucket({ objects }: { objects: StoredObject[] }) {
  return (
    <>
      <h2>In the bucket</h2>
      <ul data-testid="bucket">
        {objects.map((object) => (
          <li key={object.key}>
            {object.thumbnail && (
              <img src={object.thumbnail} alt="" width={40} height={40} className="thumb" />
            )}
            {object.key} <span className="muted">({formatBytes(object.size)})</span>
          </li>
        ))}
      </ul>
    </>
  );
}
