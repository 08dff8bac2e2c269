import type { Meta, StoryObj } from '@storybook/react-vite';
import { HttpResponse } from 'msw';
import { useEffect, useState } from 'react';
import { expect, spyOn, userEvent, waitFor, within } from 'storybook/test';
import { createUploader, memorySessionStore, withHandle } from 'upkit';
import { createUploadMocks, type UploadMocks } from 'upkit/msw';
import { Uploader, type UploaderProps } from 'upkit/styled';
import 'upkit/styles.css';

// What a person meets when an upload goes wrong, in the styled <Uploader> they would see. Each
// story's mocks live at module level (the handlers are handed to MSW before the story renders)
// and are reset at the start of its play function.

// Generous: CI runs these on two busy cores, through MSW's service worker.
const PATIENT = { timeout: 8000 };
const MiB = 1024 * 1024;

const meta = {
  title: 'Failure modes/Uploader',
  component: Uploader,
  args: { endpoint: '/api/upload', resumeStorage: false, locale: 'en-US' },
  parameters: { msw: { handlers: createUploadMocks().handlers } },
} satisfies Meta<typeof Uploader>;
export default meta;
type Story = StoryObj<typeof meta>;

/** A file whose bytes differ from one to the next, so a truncated or reordered object shows. */
function file(name: string, size: number, type = 'application/octet-stream'): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return new File([bytes], name, { type });
}

async function pick(canvasElement: HTMLElement, files: File[]) {
  await userEvent.upload(canvasElement.querySelector('input[type="file"]') as HTMLInputElement, files);
}

/** What a person reads on a file's row: its status, its error, and the buttons it offers. */
function row(canvasElement: HTMLElement, name: string) {
  const li = within(canvasElement).getByText(name).closest('li') as HTMLElement;
  return {
    status: li.querySelector('.upkit-item__status')?.textContent,
    error: li.querySelector('.upkit-item__error')?.textContent ?? null,
    actions: [...li.querySelectorAll('button:not([hidden])')].map((button) => button.textContent),
  };
}

async function sha256(data: Blob | Uint8Array | undefined): Promise<string> {
  if (!data) return 'missing';
  const bytes = data instanceof Blob ? await data.arrayBuffer() : (data as Uint8Array<ArrayBuffer>);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const paths = (mocks: UploadMocks) => mocks.requests.map((request) => request.path);

/** The calls that named one multipart upload, in order. */
const callsOf = (mocks: UploadMocks, uploadId: string | undefined) =>
  mocks.requests.filter((request) => request.body.uploadId === uploadId).map((request) => request.path);

/** A promise the play function settles: a mock holds its answer until then. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** An S3-style XML error, with `Retry-After` in seconds. */
const storageError = (status: number, code: string, retryAfter: string) =>
  new HttpResponse(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>Please reduce your request rate.</Message></Error>`,
    { status, headers: { 'content-type': 'application/xml', 'retry-after': retryAfter } },
  );

/** The error body of docs/protocol.md. */
const serverError = (status: number, code: string, message: string) =>
  HttpResponse.json({ error: { code, message } }, { status });

// ---- 1. Storage rate-limits -------------------------------------------------------------------

function rateLimitingStorage() {
  // When each PUT arrived (performance.now()), by the object key it was for.
  const arrivals = new Map<string, number[]>();
  const mocks = createUploadMocks({
    onStorage: (request) => {
      const { pathname } = new URL(request.url);
      const times = [...(arrivals.get(pathname) ?? []), performance.now()];
      arrivals.set(pathname, times);
      if (times.length > 1) return undefined;
      // Each file's first PUT is refused: one with 429, the other with S3's 503 SlowDown.
      return pathname.endsWith('.pdf')
        ? storageError(429, 'TooManyRequests', '1')
        : storageError(503, 'SlowDown', '1');
    },
  });
  return {
    mocks,
    arrivals,
    reset: () => {
      mocks.reset();
      arrivals.clear();
    },
  };
}
const rateLimited = rateLimitingStorage();

/**
 * Storage refuses one file's PUT with `429` and the other's with S3's `503 SlowDown`, each with
 * `Retry-After: 1`. The person sees both files uploading, then uploaded: upkit waits as long as
 * storage asks and sends the same presigned PUT again.
 */
export const StorageRateLimits: Story = {
  parameters: { msw: { handlers: rateLimited.mocks.handlers } },
  play: async ({ canvasElement }) => {
    rateLimited.reset();
    const files = [file('report.pdf', 3000, 'application/pdf'), file('notes.txt', 2000, 'text/plain')];
    await pick(canvasElement, files);
    const { mocks, arrivals } = rateLimited;
    await waitFor(() => expect([...arrivals.values()].flat()).toHaveLength(2), PATIENT);
    // Refused, and asked again: nothing tells the person, the files are still on their way.
    for (const { name } of files) {
      await waitFor(
        () =>
          expect(row(canvasElement, name)).toEqual({
            status: expect.stringMatching(/^(Preparing|Uploading)/),
            error: null,
            actions: ['Pause', 'Cancel', 'Remove'],
          }),
        PATIENT,
      );
    }
    for (const { name } of files) {
      await waitFor(
        () =>
          expect(row(canvasElement, name)).toEqual({ status: 'Uploaded', error: null, actions: ['Remove'] }),
        PATIENT,
      );
    }

    // Each file: two PUTs, a second apart at least, as Retry-After asked (the backoff alone
    // waits under 0.5 s before a first retry).
    await expect([...arrivals.values()].map((times) => times.length)).toEqual([2, 2]);
    for (const [first = 0, second = 0] of arrivals.values()) {
      await expect(second - first).toBeGreaterThanOrEqual(950);
    }
    // One presigned URL per file served both its PUTs, and every file landed whole.
    await expect(paths(mocks).sort()).toEqual(['complete', 'complete', 'presign', 'presign']);
    for (const sent of files) {
      // The mocks name objects `uploads/mock/<n>.<the file's extension>`.
      const [, stored] = [...mocks.objects].find(([key]) => key.endsWith(sent.name.slice(-4))) ?? [];
      await expect(await sha256(stored)).toBe(await sha256(sent));
    }
  },
};

// ---- 2. The app server refuses a too-large file ------------------------------------------------

function sizeLimitedServer() {
  const state = { puts: 0 };
  const mocks = createUploadMocks({
    maxFileSize: 10_000,
    onStorage: () => void state.puts++,
  });
  return {
    mocks,
    state,
    reset: () => {
      mocks.reset();
      state.puts = 0;
    },
  };
}
const sizeLimited = sizeLimitedServer();

/**
 * The app server allows 10 kB and refuses a 20 kB file at `presign` with `413` and a message of
 * its own. The row shows that message word for word; storage never sees the file.
 */
export const ServerRefusesTooLarge: Story = {
  parameters: { msw: { handlers: sizeLimited.mocks.handlers } },
  play: async ({ canvasElement }) => {
    sizeLimited.reset();
    await pick(canvasElement, [file('scan.tiff', 20_000, 'image/tiff')]);
    const message = '"scan.tiff" is over the 10000-byte limit.';
    await waitFor(
      () =>
        expect(row(canvasElement, 'scan.tiff')).toEqual({
          status: 'Failed',
          error: `${message} ${FINAL_HINT}`,
          // No Retry: this server would refuse the same file again (413 is final).
          actions: ['Remove'],
        }),
      PATIENT,
    );
    await expect(within(canvasElement).getByRole('alert')).toHaveTextContent(`scan.tiff failed: ${message}`);
    // A 413 is final: asked once, never retried, and no byte went to storage.
    await expect(paths(sizeLimited.mocks)).toEqual(['presign']);
    await expect(sizeLimited.state.puts).toBe(0);
    await expect(sizeLimited.mocks.objects.size).toBe(0);
  },
};

// ---- 3. The server refuses the content after upload --------------------------------------------

const CONTENT_MISMATCH = "The file's content is not recognisable, not image/png. It was removed.";
const FINAL_HINT = 'Sending it again will not help: remove it, or choose another file.';

function contentCheckingServer() {
  const state = { puts: 0, inspected: [] as Uint8Array[] };
  const mocks: UploadMocks = createUploadMocks({
    onStorage: () => void state.puts++,
    onControl: ({ path, body }) => {
      if (path !== 'complete') return undefined;
      // As upkit/server does: read what landed, find it is not the declared type, delete it,
      // and refuse this and every later `complete` for the key.
      const bytes = mocks.objects.get(String(body.key));
      if (bytes) state.inspected.push(bytes);
      mocks.objects.delete(String(body.key));
      return serverError(415, 'content-mismatch', CONTENT_MISMATCH);
    },
  });
  return {
    mocks,
    state,
    reset: () => {
      mocks.reset();
      state.puts = 0;
      state.inspected = [];
    },
  };
}
const contentChecked = contentCheckingServer();

/**
 * The file reached storage whole, but the app server's check at `complete` finds its bytes are
 * not the PNG it claims to be, deletes them and answers `415 content-mismatch`. The row shows
 * the server's message and what to do instead of retrying: Retry is not offered, since the same
 * bytes would be refused again.
 */
export const ServerRefusesContent: Story = {
  parameters: { msw: { handlers: contentChecked.mocks.handlers } },
  play: async ({ canvasElement }) => {
    contentChecked.reset();
    const photo = file('photo.png', 4000, 'image/png');
    await pick(canvasElement, [photo]);
    // No Retry: the same bytes would be refused again; the row says what to do instead.
    const failed = {
      status: 'Failed',
      error: `${CONTENT_MISMATCH} ${FINAL_HINT}`,
      actions: ['Remove'],
    };
    await waitFor(() => expect(row(canvasElement, 'photo.png')).toEqual(failed), PATIENT);
    await expect(within(canvasElement).getByRole('alert')).toHaveTextContent(
      `photo.png failed: ${CONTENT_MISMATCH}`,
    );
    const { mocks, state } = contentChecked;
    // Refused after the upload: the server inspected the whole file, then nothing stayed.
    await expect(state.inspected).toHaveLength(1);
    await expect(await sha256(state.inspected[0])).toBe(await sha256(photo));
    await expect(mocks.objects.size).toBe(0);
    // A 415 is final: `complete` was not retried.
    await expect(paths(mocks)).toEqual(['presign', 'complete']);
    await expect(state.puts).toBe(1);
  },
};

// ---- 4. The upload token is refused mid-multipart ----------------------------------------------

function tokenExpiringServer() {
  const state = { first: undefined as string | undefined };
  const mocks = createUploadMocks({
    onControl: ({ path, body }) => {
      if (path !== 'multipart/sign-parts') return undefined;
      state.first ??= String(body.uploadId);
      // The first upload's token expires once its first part has landed (a long pause, a
      // rotated secret): upkit/server's answer to every later call with it.
      const parts = body.partNumbers as number[];
      return body.uploadId === state.first && parts.includes(2)
        ? serverError(
            403,
            'forbidden',
            'This upload does not belong to you, or its token has expired. Start the upload again.',
          )
        : undefined;
    },
  });
  return {
    mocks,
    state,
    reset: () => {
      mocks.reset();
      state.first = undefined;
    },
  };
}
const tokenExpiring = tokenExpiringServer();

/**
 * Two 5 MiB parts, signed one at a time. The server refuses the first upload's token when the
 * second part is signed: upkit aborts that upload on storage and completes the file through a
 * new one. The person sees the file uploaded, no error.
 */
export const TokenRefusedMidMultipart: Story = {
  // One part PUT at a time: part 2 is signed after part 1.
  args: { multipartThreshold: 0, partSize: 5 * MiB, signBatchSize: 1, concurrency: 1 },
  parameters: { msw: { handlers: tokenExpiring.mocks.handlers } },
  play: async ({ canvasElement }) => {
    tokenExpiring.reset();
    const footage = file('footage.mov', 5 * MiB + 1000, 'video/quicktime');
    await pick(canvasElement, [footage]);
    await waitFor(
      () =>
        expect(row(canvasElement, 'footage.mov')).toEqual({
          status: 'Uploaded',
          error: null,
          actions: ['Remove'],
        }),
      PATIENT,
    );

    const { mocks, state } = tokenExpiring;
    const ids = [...new Set(mocks.requests.map((request) => request.body.uploadId).filter(Boolean))];
    await expect(ids).toHaveLength(2);
    await expect(paths(mocks).filter((path) => path === 'multipart/create')).toHaveLength(2);
    // The first upload: part 1 signed, part 2 refused, then aborted on storage.
    await expect(ids[0]).toBe(state.first);
    await expect(callsOf(mocks, state.first)).toEqual([
      'multipart/sign-parts',
      'multipart/sign-parts',
      'multipart/abort',
    ]);
    // The second: both parts, then complete. Nothing stays open, and the object is the file.
    await expect(callsOf(mocks, String(ids[1]))).toEqual([
      'multipart/sign-parts',
      'multipart/sign-parts',
      'multipart/complete',
    ]);
    await expect(mocks.uploads.size).toBe(0);
    await expect(mocks.objects.size).toBe(1);
    await expect(await sha256([...mocks.objects.values()][0])).toBe(await sha256(footage));
  },
};

// ---- 5. Cancel mid-multipart --------------------------------------------------------------------

function slowSecondPart() {
  const state = { held: gate(), arrived: false };
  const mocks = createUploadMocks({
    onStorage: async (request) => {
      if (new URL(request.url).searchParams.get('partNumber') !== '2') return undefined;
      state.arrived = true;
      await state.held.promise;
      return undefined;
    },
  });
  return {
    mocks,
    state,
    reset: () => {
      mocks.reset();
      state.held.open();
      Object.assign(state, { held: gate(), arrived: false });
    },
  };
}
const slowPart = slowSecondPart();

/**
 * Part 1 has landed and part 2 is on the wire when the person presses Cancel: the row says
 * Canceled and offers only Remove, and `multipart/abort` tells storage to drop the part it holds.
 * Remove then takes the row away.
 */
export const CancelMidMultipart: Story = {
  // One part PUT at a time: part 2 goes once part 1 has landed.
  args: { multipartThreshold: 0, partSize: 5 * MiB, concurrency: 1 },
  parameters: { msw: { handlers: slowPart.mocks.handlers } },
  play: async ({ canvasElement }) => {
    slowPart.reset();
    const { mocks, state } = slowPart;
    try {
      await pick(canvasElement, [file('archive.zip', 5 * MiB + 1000, 'application/zip')]);
      const openUpload = () => [...mocks.uploads.values()][0];
      await waitFor(() => expect(state.arrived && openUpload()?.parts.size).toBe(1), PATIENT);
      await waitFor(
        () =>
          expect(row(canvasElement, 'archive.zip')).toEqual({
            status: expect.stringMatching(/^Uploading/),
            error: null,
            actions: ['Pause', 'Cancel', 'Remove'],
          }),
        PATIENT,
      );
      const [uploadId] = [...mocks.uploads.keys()];

      await userEvent.click(within(canvasElement).getByRole('button', { name: 'Cancel archive.zip' }));
      await waitFor(
        () =>
          expect(row(canvasElement, 'archive.zip')).toEqual({
            status: 'Canceled',
            error: null,
            actions: ['Remove'],
          }),
        PATIENT,
      );
      await waitFor(() => expect(paths(mocks)).toContain('multipart/abort'), PATIENT);
      await expect(callsOf(mocks, uploadId)).toEqual(['multipart/sign-parts', 'multipart/abort']);
      // Nothing left on storage: no open upload holding part 1, no object.
      await expect(mocks.uploads.size).toBe(0);
      await expect(mocks.objects.size).toBe(0);

      await userEvent.click(within(canvasElement).getByRole('button', { name: 'Remove archive.zip' }));
      await waitFor(() => expect(within(canvasElement).queryByText('archive.zip')).toBeNull(), PATIENT);
      await expect(paths(mocks)).toEqual(['multipart/create', 'multipart/sign-parts', 'multipart/abort']);
    } finally {
      state.held.open();
    }
  },
};

// ---- 6. Offline ---------------------------------------------------------------------------------

function droppingNetwork() {
  const state = { offline: false, puts: 0, held: gate() };
  // While "offline", every request fails as a dead connection does.
  const cut = () => (state.offline ? HttpResponse.error() : undefined);
  const mocks = createUploadMocks({
    onControl: cut,
    onStorage: async () => {
      // The first PUT is on the wire when the network goes; the next, once it is back, meets a
      // busy storage (the one retry this story allows).
      if (++state.puts === 1) await state.held.promise;
      return cut() ?? (state.puts === 2 ? storageError(503, 'SlowDown', '0') : undefined);
    },
  });
  return {
    mocks,
    state,
    reset: () => {
      mocks.reset();
      state.held.open();
      Object.assign(state, { offline: false, puts: 0, held: gate() });
    },
  };
}
const dropping = droppingNetwork();

/**
 * The browser goes offline while a PUT is on the wire (a train tunnel). upkit does not fail the
 * file: it waits for the `online` event, and finishes by itself once the network is back. The
 * wait spends no retry: this story allows one, and the `503 SlowDown` met after the network is
 * back still has it. Meanwhile the row just says Uploading: the styled components do not show the
 * uploader's `offline` state.
 */
export const OfflineThenBack: Story = {
  args: { retry: { retries: 1 } },
  parameters: { msw: { handlers: dropping.mocks.handlers } },
  play: async ({ canvasElement }) => {
    dropping.reset();
    const { mocks, state } = dropping;
    // How we know upkit is waiting for the network: it listens for `online`.
    const listen = spyOn(window, 'addEventListener');
    try {
      const notes = file('notes.txt', 2000, 'text/plain');
      await pick(canvasElement, [notes]);
      await waitFor(() => expect(state.puts).toBe(1), PATIENT);

      Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
      state.offline = true;
      listen.mockClear();
      window.dispatchEvent(new Event('offline'));
      state.held.open();
      await waitFor(() => expect(listen).toHaveBeenCalledWith('online', expect.any(Function)), PATIENT);
      await waitFor(
        () =>
          expect(row(canvasElement, 'notes.txt')).toEqual({
            status: expect.stringMatching(/^Uploading/),
            error: null,
            actions: ['Pause', 'Cancel', 'Remove'],
          }),
        PATIENT,
      );

      Reflect.deleteProperty(navigator, 'onLine');
      state.offline = false;
      window.dispatchEvent(new Event('online'));
      await waitFor(
        () =>
          expect(row(canvasElement, 'notes.txt')).toEqual({
            status: 'Uploaded',
            error: null,
            actions: ['Remove'],
          }),
        PATIENT,
      );
      // Dropped, refused, then stored: three PUTs through the one URL; the whole file landed.
      await expect(state.puts).toBe(3);
      await expect(paths(mocks)).toEqual(['presign', 'complete']);
      await expect(await sha256([...mocks.objects.values()][0])).toBe(await sha256(notes));
    } finally {
      Reflect.deleteProperty(navigator, 'onLine');
      listen.mockRestore();
      state.held.open();
    }
  },
};

// ---- 7. A stalled PUT ---------------------------------------------------------------------------

function stallingStorage() {
  const state = { puts: 0, held: gate() };
  const mocks = createUploadMocks({
    onStorage: async () => {
      // The first PUT is never answered while the story runs.
      if (++state.puts === 1) await state.held.promise;
      return undefined;
    },
  });
  return {
    mocks,
    state,
    reset: () => {
      mocks.reset();
      state.held.open();
      Object.assign(state, { puts: 0, held: gate() });
    },
  };
}
const stalling = stallingStorage();

/**
 * The first PUT gets no answer. After `stallTimeoutMs` (1 s here, 30 s by default) with no sign
 * of life, upkit aborts it as stalled and sends it again; the person sees the file uploaded.
 *
 * MSW's service worker takes the whole body at once, so the stall it can make is a response that
 * never comes; the XHR's watchdog treats that silence as it treats bytes that stop flowing.
 */
export const StalledPut: Story = {
  args: { stallTimeoutMs: 1000 },
  parameters: { msw: { handlers: stalling.mocks.handlers } },
  play: async ({ canvasElement }) => {
    stalling.reset();
    const { mocks, state } = stalling;
    try {
      const clip = file('clip.mp4', 3000, 'video/mp4');
      await pick(canvasElement, [clip]);
      await waitFor(() => expect(state.puts).toBe(1), PATIENT);
      // Shown with the next frame.
      await waitFor(
        () =>
          expect(row(canvasElement, 'clip.mp4')).toEqual({
            status: expect.stringMatching(/^Uploading/),
            error: null,
            actions: ['Pause', 'Cancel', 'Remove'],
          }),
        PATIENT,
      );
      // The first PUT still has no answer: upkit gave up on it by itself and sent it again.
      await waitFor(() => expect(state.puts).toBe(2), PATIENT);
      await waitFor(
        () =>
          expect(row(canvasElement, 'clip.mp4')).toEqual({
            status: 'Uploaded',
            error: null,
            actions: ['Remove'],
          }),
        PATIENT,
      );
      await expect(paths(mocks)).toEqual(['presign', 'complete']);
      await expect(await sha256([...mocks.objects.values()][0])).toBe(await sha256(clip));
    } finally {
      state.held.open();
    }
  },
};

// ---- 8. An upload a reload interrupted ----------------------------------------------------------

function interruptingStorage() {
  const state = { holdPartTwo: true, parts: [] as number[] };
  const mocks = createUploadMocks({
    onStorage: async (request) => {
      const part = Number(new URL(request.url).searchParams.get('partNumber'));
      state.parts.push(part);
      // The first page is closed while its part 2 is on the wire: that PUT never lands.
      if (part === 2 && state.holdPartTwo) await new Promise(() => undefined);
      return undefined;
    },
  });
  return { mocks, state };
}
const interrupting = interruptingStorage();
const interruptedSessions = memorySessionStore();
const holiday = file('holiday.mov', 6 * MiB, 'video/quicktime');

/** A first page that stored part 1 of holiday.mov (picked with a file handle) and went away. */
async function firstPage() {
  const page = createUploader({
    endpoint: '/api/upload',
    mode: 'multipart',
    partSize: 5 * MiB,
    resumeStorage: interruptedSessions,
  });
  const handle = { kind: 'file' as const, name: holiday.name, getFile: async () => holiday };
  void page.upload([withHandle(holiday, handle)]);
  await waitFor(() => expect(page.store.getState().items[0]?.bytesUploaded).toBe(5 * MiB), PATIENT);
  page.suspend();
  interrupting.state.holdPartTwo = false;
}

/** The page after the reload: the same <Uploader>, once the first page has been interrupted. */
function AfterReload(props: UploaderProps) {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let live = true;
    void firstPage().then(() => live && setReady(true));
    return () => {
      live = false;
    };
  }, []);
  return ready ? <Uploader {...props} /> : <p>The first page is uploading…</p>;
}

/**
 * A tab closed (or the page reloaded) while a multipart upload was halfway. The next page lists
 * it under "Interrupted uploads"; Resume reopens the file through the handle kept with it (one
 * permission prompt in a real browser) and sends only the part storage lacks. Without a handle
 * (a plain file input; Firefox, Safari) the button asks the person to pick the file instead.
 */
export const ResumeAfterReload: Story = {
  args: { resumeStorage: interruptedSessions, multipartThreshold: 5 * MiB, partSize: 5 * MiB },
  parameters: { msw: { handlers: interrupting.mocks.handlers } },
  render: (args) => <AfterReload {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const section = await canvas.findByRole('region', { name: 'Interrupted uploads' }, PATIENT);
    await expect(section.textContent).toMatch(/holiday\.mov.*Interrupted at 5\.2 MB of 6\.3 MB/);
    const sentBefore = interrupting.state.parts.length;
    await userEvent.click(within(section).getByRole('button', { name: 'Resume holiday.mov' }));
    await waitFor(
      () =>
        expect(row(canvasElement, 'holiday.mov')).toEqual({
          status: 'Uploaded',
          error: null,
          actions: ['Remove'],
        }),
      PATIENT,
    );
    await expect(canvas.queryByRole('region', { name: 'Interrupted uploads' })).toBeNull();
    // Part 1 was in storage: only part 2 went again, into the same upload.
    await expect(interrupting.state.parts.slice(sentBefore)).toEqual([2]);
    await expect(paths(interrupting.mocks).filter((path) => path === 'multipart/create')).toHaveLength(1);
    await expect(await sha256([...interrupting.mocks.objects.values()][0])).toBe(await sha256(holiday));
  },
};
