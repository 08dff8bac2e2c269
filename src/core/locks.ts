// Web Locks keep two tabs from uploading one session at once: the tab that opens or reopens a
// remembered upload holds its lock until the file leaves its list; another tab that picks the
// same file uploads it afresh instead of sending parts into the same upload.

/** The lock name of a remembered session. */
export const sessionLockName = (id: string) => `upkit:session:${id}`;

function locksOf(): LockManager | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator as Partial<Navigator>).locks;
}

/**
 * Takes the lock if no one holds it. Resolves to its release function, to `'held'` when another
 * holder has it, or to `undefined` where the runtime has no Web Locks (one tab is assumed).
 */
export function tryLock(name: string): Promise<(() => void) | 'held' | undefined> {
  const locks = locksOf();
  if (typeof locks?.request !== 'function') return Promise.resolve(undefined);
  return new Promise((resolve) => {
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (!lock) return resolve('held');
        return new Promise<void>((release) => resolve(() => release()));
      })
      .catch(() => resolve(undefined));
  });
}

/** Names of the locks held now, by any tab of this origin; empty where unknown. */
export async function heldLocks(): Promise<ReadonlySet<string>> {
  const locks = locksOf();
  if (typeof locks?.query !== 'function') return new Set();
  try {
    const { held = [] } = await locks.query();
    return new Set(held.map((lock) => lock.name ?? ''));
  } catch {
    return new Set();
  }
}
