import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UploadEngineOptions } from '../../src/core/createUploadEngine';
import { UploadError } from '../../src/core/errors';
import { withHandle } from '../../src/core/resumeRecord';
import {
  indexedDBSessionStore,
  memorySessionStore,
  type ResumableFileHandle,
} from '../../src/core/resumeStore';
import {
  blobSha256,
  createMemoryStorage,
  patternedFile,
  sha256,
  type StoredResult,
} from '../helpers/memoryStorage';
import { interruptAfterPartOne, isPartOne, resumingEngine } from '../helpers/resume';

// Resuming what a reload, a crash or a closed tab interrupted, without the user finding the file
// again: sessions remembered in a SessionStore, listed in `resumable`, reopened by `restore`.

const MiB = 1024 * 1024;

/** Web Locks where `held` are another tab's; this tab's own are honoured as the browser does. */
function otherTab() {
  const held = new Set<string>();
  const mine = new Set<string>();
  vi.stubGlobal('navigator', {
    ...navigator,
    locks: {
      request: async (name: string, _options: unknown, callback: (lock: unknown) => unknown) => {
        if (held.has(name) || mine.has(name)) return callback(null);
        mine.add(name);
        try {
          return await callback({ name });
        } finally {
          mine.delete(name);
        }
      },
      query: async () => ({ held: [...held, ...mine].map((name) => ({ name })) }),
    },
  });
  return { held, mine, lockOf: (id: string) => `upkit:session:${id}` };
}

/** A File System Access handle that reads `file`, with the permission answers given. */
function handleFor(
  read: () => File,
  permission: { query: PermissionState; request: PermissionState } = { query: 'granted', request: 'granted' },
) {
  const requested = vi.fn(async () => permission.request);
  const handle: ResumableFileHandle = {
    kind: 'file',
    name: read().name,
    getFile: async () => read(),
    queryPermission: async () => permission.query,
    requestPermission: requested,
  };
  return { handle, requested };
}

describe('interrupted uploads', () => {
  it('are listed after a reload with what storage holds, and resume from a picked file sending only the rest', async () => {
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    const file = patternedFile(12 * MiB, 'film.mov', 'video/quicktime');
    await interruptAfterPartOne(storage, sessions, file);

    const page2 = resumingEngine(storage, sessions);
    const [listed] = await page2.loadResumable();
    expect(page2.store.getState().resumable).toEqual([listed]);
    expect(listed).toMatchObject({
      name: 'film.mov',
      size: 12 * MiB,
      type: 'video/quicktime',
      bytesUploaded: 5 * MiB,
      canReopen: false,
    });
    expect(listed!.expiresAt - listed!.savedAt).toBe(7 * 24 * 3600 * 1000);
    // Listing costs no request.
    expect(storage.calls).toEqual([]);

    // Without a handle, restoring asks for the file.
    await expect(page2.restore(listed!.id)).rejects.toMatchObject({ code: 'resume-needs-file' });
    const id = await page2.restore(listed!.id, file);
    expect(page2.store.getState().resumable).toEqual([]);
    expect(page2.store.getState().items.map((item) => item.id)).toEqual([id]);
    await vi.waitFor(() => expect(page2.getItem(id)?.status).toBe('done'));
    expect(storage.calls.filter((c) => c === 'createMultipart')).toEqual([]);
    expect(storage.puts.some(isPartOne)).toBe(false);
    expect(sha256(storage.objects.get(page2.getItem(id)!.key!))).toBe(await blobSha256(file));
    await vi.waitFor(() => expect(sessions.records.size).toBe(0));
  });

  it('reopen through a kept file handle after one permission prompt, without the user picking the file', async () => {
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    const file = patternedFile(12 * MiB, 'scan.tiff', 'image/tiff');
    const { handle, requested } = handleFor(() => file, { query: 'prompt', request: 'granted' });
    await interruptAfterPartOne(storage, sessions, withHandle(file, handle));

    const page2 = resumingEngine(storage, sessions);
    const [listed] = await page2.loadResumable();
    expect(listed?.canReopen).toBe(true);
    const id = await page2.restore(listed!.id);
    expect(requested).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(page2.getItem(id)?.status).toBe('done'));
    expect(storage.puts.some(isPartOne)).toBe(false);
    expect(sha256(storage.objects.get(page2.getItem(id)!.key!))).toBe(await blobSha256(file));
  });

  it('keep the session when permission is refused, and say to pick the file', async () => {
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    const file = patternedFile(12 * MiB, 'refused.bin');
    const { handle } = handleFor(() => file, { query: 'prompt', request: 'denied' });
    await interruptAfterPartOne(storage, sessions, withHandle(file, handle));

    const page2 = resumingEngine(storage, sessions);
    const [listed] = await page2.loadResumable();
    const refused = await page2.restore(listed!.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UploadError);
    expect(refused).toMatchObject({ code: 'resume-needs-file' });
    expect((refused as Error).message).toMatch(/Pick "refused\.bin" again.*permission/);
    expect(sessions.records.size).toBe(1);
    expect(page2.store.getState().items).toEqual([]);
  });

  it('refuse a picked file that is not the one that was uploading', async () => {
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    await interruptAfterPartOne(storage, sessions, patternedFile(12 * MiB, 'a.bin'));
    const page2 = resumingEngine(storage, sessions);
    const [listed] = await page2.loadResumable();
    await expect(page2.restore(listed!.id, patternedFile(11 * MiB, 'a.bin'))).rejects.toMatchObject({
      code: 'resume-file-mismatch',
      message: expect.stringContaining('pick "a.bin" (12,582,912 bytes)'),
    });
    expect(page2.store.getState().items).toEqual([]);
    expect(sessions.records.size).toBe(1);
  });

  it('upload a file changed on disk since afresh, and abort its old upload', async () => {
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    const before = patternedFile(12 * MiB, 'notes.db');
    let current = before;
    const { handle } = handleFor(() => current);
    await interruptAfterPartOne(storage, sessions, withHandle(before, handle));
    const [oldUpload] = [...storage.uploads.keys()];

    current = new File([new Uint8Array(12 * MiB).fill(7)], 'notes.db', {
      type: before.type,
      lastModified: before.lastModified + 60_000,
    });
    const page2 = resumingEngine(storage, sessions);
    const [listed] = await page2.loadResumable();
    const id = await page2.restore(listed!.id);
    await vi.waitFor(() => expect(page2.getItem(id)?.status).toBe('done'));
    expect(storage.uploads.has(oldUpload!)).toBe(false);
    expect(storage.calls).toContain('abortMultipart');
    expect(sha256(storage.objects.get(page2.getItem(id)!.key!))).toBe(await blobSha256(current));
  });

  it('past their age are aborted on the server and forgotten, not listed', async () => {
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    await interruptAfterPartOne(storage, sessions, patternedFile(12 * MiB, 'old.bin'));
    expect(storage.uploads.size).toBe(1);
    const eightDaysOn = Date.now() + 8 * 24 * 3600 * 1000;
    const page2 = resumingEngine(storage, sessions, { now: () => eightDaysOn });
    expect(await page2.loadResumable()).toEqual([]);
    await vi.waitFor(() => expect(storage.uploads.size).toBe(0));
    expect(sessions.records.size).toBe(0);
  });

  it('discard aborts on the server and forgets; reset does so for every one', async () => {
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    await interruptAfterPartOne(storage, sessions, patternedFile(12 * MiB, 'one.bin'));
    await interruptAfterPartOne(storage, sessions, patternedFile(12 * MiB, 'two.bin'));
    await interruptAfterPartOne(storage, sessions, patternedFile(12 * MiB, 'three.bin'));
    const page2 = resumingEngine(storage, sessions);
    const listed = await page2.loadResumable();
    expect(listed.map((r) => r.name).sort()).toEqual(['one.bin', 'three.bin', 'two.bin']);

    await page2.discard(listed.find((r) => r.name === 'one.bin')!.id);
    expect(
      page2.store
        .getState()
        .resumable.map((r) => r.name)
        .sort(),
    ).toEqual(['three.bin', 'two.bin']);
    expect(storage.uploads.size).toBe(2);

    await page2.reset();
    expect(page2.store.getState().resumable).toEqual([]);
    expect(storage.uploads.size).toBe(0);
    expect(sessions.records.size).toBe(0);
  });

  it('leave the list when the file is picked again, and restoring twice resumes one item', async () => {
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    const file = patternedFile(12 * MiB, 'again.bin');
    await interruptAfterPartOne(storage, sessions, file);
    const page2 = resumingEngine(storage, sessions, { autoStart: false });
    const [listed] = await page2.loadResumable();
    const [picked] = page2.add([file]);
    expect(page2.store.getState().resumable).toEqual([]);
    expect(await page2.restore(listed!.id, file)).toBe(picked);
    expect(page2.store.getState().items).toHaveLength(1);
  });
});

describe('session stores', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('IndexedDB keeps sessions and their parts apart by scope, and forgets parts with their session', async () => {
    const store = indexedDBSessionStore(`upkit-test-${Math.random()}`);
    const base = { uploadId: 'u', key: 'k', partSize: 5 * MiB, file: { name: 'f', size: 1, type: '' } };
    await store.put({ ...base, id: 'b', scope: 'x', savedAt: 2 });
    await store.put({ ...base, id: 'a', scope: 'x', savedAt: 1 });
    await store.put({ ...base, id: 'c', scope: 'y', savedAt: 0 });
    await store.putPart({ id: 'a', partNumber: 1, etag: '"1"', size: 5 });
    await store.putPart({ id: 'a', partNumber: 2, etag: '"2"', size: 6 });
    await store.putPart({ id: 'b', partNumber: 1, etag: '"3"', size: 7 });
    expect((await store.list('x')).map((r) => r.id)).toEqual(['a', 'b']);
    expect((await store.parts('a')).map((p) => p.etag)).toEqual(['"1"', '"2"']);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    expect(await store.parts('a')).toEqual([]);
    expect((await store.parts('b')).map((p) => p.etag)).toEqual(['"3"']);
  });

  it('an engine on IndexedDB resumes across a reload', async () => {
    const storage = createMemoryStorage();
    const name = `upkit-test-${Math.random()}`;
    const file = patternedFile(12 * MiB, 'idb.bin');
    await interruptAfterPartOne(storage, indexedDBSessionStore(name), file);
    const page2 = resumingEngine(storage, indexedDBSessionStore(name));
    const [listed] = await page2.loadResumable();
    expect(listed?.bytesUploaded).toBe(5 * MiB);
    const [item] = await page2.upload([file]);
    expect(item?.status).toBe('done');
    expect(storage.puts.some(isPartOne)).toBe(false);
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
  });

  it('a store that refuses every call (a private window) costs resuming only', async () => {
    vi.stubGlobal('indexedDB', {
      open() {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      },
    });
    const storage = createMemoryStorage();
    const engine = resumingEngine(storage, indexedDBSessionStore('refused'));
    expect(await engine.loadResumable()).toEqual([]);
    const file = patternedFile(6 * MiB, 'private.bin');
    const [item] = await engine.upload([file]);
    expect(item?.status).toBe('done');
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
  });

  it('unmounting lets go of the lock; a session another tab took meanwhile is left to it', async () => {
    const { held, mine } = otherTab();
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    const file = patternedFile(12 * MiB, 'handover.bin');
    const page = resumingEngine(storage, sessions);
    storage.intercept((request) =>
      isPartOne(request.url)
        ? undefined
        : new Promise((_resolve, reject) =>
            request.signal.addEventListener('abort', () => reject(new UploadError('aborted', 'paused'))),
          ),
    );
    const settled = page.upload([file]);
    await vi.waitFor(() => expect(page.store.getState().items[0]?.bytesUploaded).toBe(5 * MiB));
    expect(mine.size).toBe(1);
    page.suspend();
    await vi.waitFor(() => expect(mine.size).toBe(0));

    // Another tab resumes the session while this page is unmounted; then this page comes back.
    const [record] = sessions.records.values();
    held.add(`upkit:session:${record!.id}`);
    storage.intercept(undefined);
    page.wake();
    const [item] = await settled;
    expect(item?.status).toBe('done');
    expect(storage.calls.filter((c) => c === 'createMultipart')).toHaveLength(2);
    expect(item?.key).not.toBe(record!.key);
    expect(sha256(storage.objects.get(item!.key!))).toBe(await blobSha256(file));
    // The other tab's session is untouched: still open, still remembered.
    expect(storage.uploads.has(record!.uploadId)).toBe(true);
    expect(sessions.records.get(record!.id)).toEqual(record);
  });

  it('another tab holding the session lock: the file uploads afresh and leaves that session alone', async () => {
    const { held } = otherTab();
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    const file = patternedFile(12 * MiB, 'shared.bin');
    await interruptAfterPartOne(storage, sessions, file);
    const [record] = sessions.records.values();
    held.add(`upkit:session:${record!.id}`);

    const tab2 = resumingEngine(storage, sessions);
    expect(await tab2.loadResumable()).toEqual([]);
    const [item] = await tab2.upload([file]);
    expect(item?.status).toBe('done');
    expect(storage.calls).not.toContain('listParts');
    expect(storage.calls.filter((c) => c === 'createMultipart')).toHaveLength(1);
    expect(sessions.records.get(record!.id)).toEqual(record);
    expect(storage.uploads.has(record!.uploadId)).toBe(true);
  });
});

describe('interrupted uploads and other tabs (review of 2026-11-29)', () => {
  afterEach(() => vi.unstubAllGlobals());

  async function interrupted(name: string, overrides: Partial<UploadEngineOptions<StoredResult>> = {}) {
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    const file = patternedFile(12 * MiB, name);
    await interruptAfterPartOne(storage, sessions, file);
    const page = resumingEngine(storage, sessions, overrides);
    const [listed] = await page.loadResumable();
    return { storage, sessions, file, page, id: listed!.id, uploadId: [...storage.uploads.keys()][0]! };
  }

  it('two quick Resume clicks resume one item through one upload', async () => {
    const { storage, page, id } = await interrupted('twice.bin');
    const file = patternedFile(12 * MiB, 'twice.bin');
    const [a, b] = await Promise.all([page.restore(id, file), page.restore(id, file)]);
    expect(a).toBe(b);
    expect(page.store.getState().items).toHaveLength(1);
    await vi.waitFor(() => expect(page.getItem(a)?.status).toBe('done'));
    expect(storage.calls.filter((c) => c === 'createMultipart')).toEqual([]);
  });

  it('Discard and reset leave alone a session another tab resumed meanwhile', async () => {
    const tabs = otherTab();
    const { storage, sessions, page, id, uploadId } = await interrupted('shared.bin');
    tabs.held.add(tabs.lockOf(id));
    await page.discard(id);
    await page.reset();
    expect(storage.uploads.has(uploadId)).toBe(true);
    expect(sessions.records.has(id)).toBe(true);
  });

  it('an expired session another tab is uploading is neither listed nor aborted', async () => {
    const tabs = otherTab();
    const storage = createMemoryStorage();
    const sessions = memorySessionStore();
    await interruptAfterPartOne(storage, sessions, patternedFile(12 * MiB, 'old.bin'));
    const [record] = sessions.records.values();
    tabs.held.add(tabs.lockOf(record!.id));
    const later = resumingEngine(storage, sessions, { now: () => Date.now() + 8 * 24 * 3600 * 1000 });
    expect(await later.loadResumable()).toEqual([]);
    await later.reset();
    expect(storage.uploads.has(record!.uploadId)).toBe(true);
    expect(sessions.records.size).toBe(1);
  });

  it('restoring a session another tab is uploading says so and starts nothing', async () => {
    const tabs = otherTab();
    const { storage, page, id, file } = await interrupted('busy.bin');
    tabs.held.add(tabs.lockOf(id));
    await expect(page.restore(id, file)).rejects.toMatchObject({ code: 'resume-busy' });
    expect(page.store.getState().items).toEqual([]);
    expect(page.store.getState().resumable).toEqual([]);
    expect(storage.calls).toEqual([]);
  });

  it('a file that uploaded afresh beside another tab frees its claim: the session is listed once that tab lets go', async () => {
    const tabs = otherTab();
    const { page, id, file } = await interrupted('claim.bin');
    tabs.held.add(tabs.lockOf(id));
    const [item] = await page.upload([file]);
    expect(item?.status).toBe('done');
    await page.remove(item!.id);
    tabs.held.delete(tabs.lockOf(id));
    expect((await page.loadResumable()).map((r) => r.id)).toEqual([id]);
  });

  it('a lock that arrives after unmount is let go at once', async () => {
    const held = new Set<string>();
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    vi.stubGlobal('navigator', {
      ...navigator,
      locks: {
        request: async (name: string, _options: unknown, callback: (lock: unknown) => unknown) => {
          await granted;
          held.add(name);
          try {
            return await callback({ name });
          } finally {
            held.delete(name);
          }
        },
        query: async () => ({ held: [...held].map((name) => ({ name })) }),
      },
    });
    const storage = createMemoryStorage();
    const page = resumingEngine(storage, memorySessionStore());
    page.add([patternedFile(12 * MiB, 'late-lock.bin')]);
    page.suspend();
    grant();
    await vi.waitFor(() => expect(held.size).toBe(0));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(held.size).toBe(0);
  });

  it('a file refused by validation does not hide the session it matches', async () => {
    const { page, file } = await interrupted('refused.mov', { accept: 'image/*' });
    page.add([file]);
    expect(page.store.getState().items[0]?.error?.code).toBe('file-type-not-allowed');
    expect(page.store.getState().resumable.map((r) => r.name)).toEqual(['refused.mov']);
  });

  it('IndexedDB keeps the session of a file whose handle it cannot clone, without the handle', async () => {
    const name = `upkit-test-${Math.random()}`;
    const storage = createMemoryStorage();
    const file = patternedFile(12 * MiB, 'wrapped.bin');
    // A wrapper with a method of its own, as polyfills make: not structured-cloneable.
    const wrapped = { kind: 'file' as const, name: file.name, getFile: async () => file };
    await interruptAfterPartOne(storage, indexedDBSessionStore(name), withHandle(file, wrapped));
    const [listed] = await resumingEngine(storage, indexedDBSessionStore(name)).loadResumable();
    expect(listed).toMatchObject({ name: 'wrapped.bin', bytesUploaded: 5 * MiB, canReopen: false });
  });
});

it('a damaged or foreign record (odd part size, a date far ahead) is dropped, and the file uploads afresh', async () => {
  const storage = createMemoryStorage();
  const sessions = memorySessionStore();
  const file = patternedFile(12 * MiB, 'odd.bin');
  await interruptAfterPartOne(storage, sessions, file);
  const [record] = sessions.records.values();
  await sessions.put({ ...record!, partSize: 1 });
  const page = resumingEngine(storage, sessions);
  expect(await page.loadResumable()).toEqual([]);
  expect(sessions.records.size).toBe(0);
  const [item] = await page.upload([file]);
  expect(item?.status).toBe('done');
  expect(storage.calls).not.toContain('listParts');

  await interruptAfterPartOne(storage, sessions, patternedFile(12 * MiB, 'ahead.bin'));
  const [ahead] = sessions.records.values();
  await sessions.put({ ...ahead!, savedAt: Date.now() + 30 * 24 * 3600 * 1000 });
  expect(await resumingEngine(storage, sessions).loadResumable()).toEqual([]);
  await vi.waitFor(() => expect(storage.uploads.has(ahead!.uploadId)).toBe(false));
});
