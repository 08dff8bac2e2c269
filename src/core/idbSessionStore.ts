import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { SessionRecord, SessionStore, StoredPart } from './resumeStore.js';

interface Schema extends DBSchema {
  sessions: { key: string; value: SessionRecord; indexes: { scope: string } };
  parts: { key: [string, number]; value: StoredPart; indexes: { session: string } };
}

/** The IndexedDB session store itself; `indexedDBSessionStore` loads it on first use. */
export function openIndexedDBSessionStore(name: string): SessionStore {
  let opening: Promise<IDBPDatabase<Schema>> | undefined;
  const db = () => {
    if (opening) return opening;
    const opened = Promise.resolve().then(() =>
      openDB<Schema>(name, 1, {
        upgrade(database) {
          database.createObjectStore('sessions', { keyPath: 'id' }).createIndex('scope', 'scope');
          database.createObjectStore('parts', { keyPath: ['id', 'partNumber'] }).createIndex('session', 'id');
        },
        // Another tab holds an older version open: close ours so its upgrade is not blocked.
        blocking() {
          void opened.then((open) => open.close());
          if (opening === opened) opening = undefined;
        },
        // The browser closed it (site data cleared, Safari's lost connection): open anew next time.
        terminated() {
          if (opening === opened) opening = undefined;
        },
      }),
    );
    // A refusal now (storage blocked for a moment) is tried again on the next call.
    opened.catch(() => {
      if (opening === opened) opening = undefined;
    });
    return (opening = opened);
  };
  return {
    async get(id) {
      return (await db()).get('sessions', id);
    },
    async list(scope) {
      const records = await (await db()).getAllFromIndex('sessions', 'scope', scope);
      return records.sort((a, b) => a.savedAt - b.savedAt);
    },
    async put(record) {
      const open = await db();
      try {
        await open.put('sessions', record);
      } catch (error) {
        // A handle-like object IndexedDB cannot clone (a polyfill, a wrapper): keep the session
        // without it, so re-picking the file still resumes.
        if (!record.handle || (error as { name?: string }).name !== 'DataCloneError') throw error;
        const { handle: _dropped, ...rest } = record;
        await open.put('sessions', rest);
      }
    },
    async delete(id) {
      const tx = (await db()).transaction(['sessions', 'parts'], 'readwrite');
      const parts = tx.objectStore('parts');
      await Promise.all([
        tx.objectStore('sessions').delete(id),
        parts.delete(IDBKeyRange.bound([id, 0], [id, Infinity])),
        tx.done,
      ]);
    },
    async putPart(part) {
      await (await db()).put('parts', part);
    },
    async parts(id) {
      return (await db()).getAllFromIndex('parts', 'session', id);
    },
  };
}
