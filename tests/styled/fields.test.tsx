import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUploadMocks } from '../../src/msw/index';
import { fr, Uploader, type UploadField } from '../../src/styled/index';
import { deferred, patternedFile } from '../helpers/memoryStorage';

// issue 12: per-file fields filled in before upload travel as metadata; "Upload N files".

const mocks = createUploadMocks();
const server = setupServer(...mocks.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mocks.reset());
afterAll(() => server.close());

const fields: UploadField[] = [
  { name: 'title', label: 'Title', required: true },
  { name: 'alt', label: 'Alt text', type: 'textarea', when: (item) => item.type.startsWith('image/') },
];

// What the backend was told about each file, by name, from its presign call (single or batched).
function toldMetadata(): Record<string, unknown> {
  const told: Record<string, unknown> = {};
  for (const request of mocks.requests) {
    const files = request.body.files ?? (request.body.file ? [request.body.file] : []);
    for (const file of files as Array<{ name: string; metadata?: unknown }>) told[file.name] = file.metadata;
  }
  return told;
}

async function addTwo() {
  const user = userEvent.setup();
  const { container } = render(
    <Uploader endpoint="/api/upload" resumeStorage={false} autoStart={false} fields={fields} />,
  );
  await user.upload(container.querySelector('input[type="file"]') as HTMLInputElement, [
    patternedFile(100, 'bike.png', 'image/png'),
    patternedFile(100, 'notes.pdf', 'application/pdf'),
  ]);
  await screen.findByText('bike.png');
  return { user, container };
}

/** An uploader holding files for one Title field, on a backend whose storage takes its time. */
function slowHeld(options: {
  storage: Parameters<typeof createUploadMocks>[0];
  required: boolean;
  concurrency?: number;
}) {
  server.use(...createUploadMocks(options.storage).handlers);
  const { container } = render(
    <Uploader
      endpoint="/api/upload"
      resumeStorage={false}
      autoStart={false}
      {...(options.concurrency ? { concurrency: options.concurrency } : {})}
      fields={[{ name: 'title', label: 'Title', required: options.required }]}
    />,
  );
  return {
    user: userEvent.setup(),
    input: container.querySelector('input[type="file"]') as HTMLInputElement,
  };
}

describe('fields before upload', () => {
  it('asks each file its fields, sends the answers as metadata on "Upload 2 files", then hides them', async () => {
    const { user, container } = await addTwo();
    // Alt text is asked of the image only; every input names its file.
    expect(screen.getAllByRole('textbox').map((box) => box.getAttribute('aria-label'))).toEqual([
      'Title bike.png',
      'Alt text bike.png',
      'Title notes.pdf',
    ]);
    await user.type(screen.getByRole('textbox', { name: 'Title bike.png' }), 'My bike');
    await user.type(screen.getByRole('textbox', { name: 'Alt text bike.png' }), 'A red bicycle by a lake');
    await user.type(screen.getByRole('textbox', { name: 'Title notes.pdf' }), 'Notes');
    // Nothing is sent before the click, and nothing has started to pause or cancel: each waiting
    // file offers Remove, the bar offers the start.
    expect(mocks.requests).toHaveLength(0);
    const bike = screen.getByText('bike.png').closest('li')!;
    expect(
      within(bike)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Remove']);
    const bar = screen.getByRole('group', { name: 'All uploads' });
    expect(
      within(bar)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Upload 2 files']);
    await user.click(screen.getByRole('button', { name: 'Upload 2 files' }));
    await waitFor(() => expect(container.querySelectorAll('li[data-state="done"]')).toHaveLength(2));
    expect(toldMetadata()).toEqual({
      'bike.png': { title: 'My bike', alt: 'A red bicycle by a lake' },
      'notes.pdf': { title: 'Notes' },
    });
    expect(screen.queryAllByRole('textbox')).toHaveLength(0);
    expect(screen.queryByRole('button', { name: /^Upload \d+ files?$/ })).toBeNull();
  });

  it('leaves a field typed into and cleared out of the metadata, rather than sending it empty', async () => {
    const { user, container } = await addTwo();
    await user.type(screen.getByRole('textbox', { name: 'Title bike.png' }), 'My bike');
    await user.type(screen.getByRole('textbox', { name: 'Alt text bike.png' }), 'oops');
    await user.clear(screen.getByRole('textbox', { name: 'Alt text bike.png' }));
    await user.type(screen.getByRole('textbox', { name: 'Title notes.pdf' }), 'Notes');
    await user.click(screen.getByRole('button', { name: 'Upload 2 files' }));
    await waitFor(() => expect(container.querySelectorAll('li[data-state="done"]')).toHaveLength(2));
    expect(toldMetadata()['bike.png']).toEqual({ title: 'My bike' });
  });

  it('starts nothing while a required field is empty: marks it, says why, and focuses it', async () => {
    const { user } = await addTwo();
    await user.type(screen.getByRole('textbox', { name: 'Title bike.png' }), 'My bike');
    await user.click(screen.getByRole('button', { name: 'Upload 2 files' }));
    const empty = screen.getByRole('textbox', { name: 'Title notes.pdf' });
    await waitFor(() => expect(document.activeElement).toBe(empty));
    expect(empty.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(empty.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Title is needed to upload this file.',
    );
    // The filled one is not marked, and nothing went to the backend.
    expect(screen.getByRole('textbox', { name: 'Title bike.png' }).getAttribute('aria-invalid')).toBeNull();
    expect(mocks.requests).toHaveLength(0);
    await user.type(empty, 'Notes');
    await user.click(screen.getByRole('button', { name: 'Upload 2 files' }));
    await waitFor(() => expect(Object.keys(toldMetadata())).toHaveLength(2));
  });

  it('counts only files not started yet: a started file waiting for its turn shows no fields', async () => {
    const { user, input } = slowHeld({ storage: { bytesPerSecond: 2_000 }, concurrency: 1, required: false });
    await user.upload(input, [
      patternedFile(1000, 'a.txt', 'text/plain'),
      patternedFile(1000, 'b.txt', 'text/plain'),
    ]);
    await user.click(await screen.findByRole('button', { name: 'Upload 2 files' }));
    // One data slot: b.txt waits, still `queued`, but started: its fields would change nothing.
    const b = screen.getByText('b.txt').closest('li')!;
    expect(b.getAttribute('data-state')).toBe('queued');
    expect(within(b).queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: /^Upload \d+ files?$/ })).toBeNull();
    // A file added now gets its own fields and button.
    await user.upload(input, [patternedFile(100, 'late.txt', 'text/plain')]);
    const late = (await screen.findByText('late.txt')).closest('li')!;
    expect(within(late).getByRole('textbox', { name: 'Title late.txt' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Upload 1 file' })).toBeTruthy();
    server.resetHandlers();
  });

  it("leaves a file held for its fields out of the status bar's Pause all, Resume all and Cancel all", async () => {
    // Storage holds every PUT until the end: PUTs aborted by Pause all and Cancel all are
    // answered then, while the test's DOM still exists (MSW answers an aborted XHR anyway).
    const release = deferred();
    let open = 0;
    const storage = {
      onStorage: async () => {
        open++;
        await release.promise;
        open--;
        return undefined;
      },
    };
    const { user, input } = slowHeld({ storage, required: true });
    await user.upload(input, patternedFile(200_000, 'big.bin'));
    await user.type(await screen.findByRole('textbox', { name: 'Title big.bin' }), 'Big');
    await user.click(screen.getByRole('button', { name: 'Upload 1 file' }));
    await user.upload(input, patternedFile(100, 'held.txt', 'text/plain'));
    const held = (await screen.findByText('held.txt')).closest('li')!;
    const bar = screen.getByRole('group', { name: 'All uploads' });
    const still = () => {
      expect(held.getAttribute('data-state')).toBe('queued');
      expect(within(held).getByRole('textbox', { name: 'Title held.txt' })).toBeTruthy();
    };
    await user.click(await within(bar).findByRole('button', { name: 'Pause all' }));
    still();
    await user.click(within(bar).getByRole('button', { name: 'Resume all' }));
    still();
    await user.click(within(bar).getByRole('button', { name: 'Cancel all' }));
    await waitFor(() =>
      expect(screen.getByText('big.bin').closest('li')?.getAttribute('data-state')).toBe('canceled'),
    );
    still();
    // Its title was never asked for, so it was never signed.
    expect(toldMetadata()).not.toHaveProperty('held.txt');
    release.resolve();
    await waitFor(() => expect(open).toBe(0));
    await new Promise((settled) => setTimeout(settled, 50));
    server.resetHandlers();
  });

  it('speaks French', async () => {
    const user = userEvent.setup();
    const { container } = render(
      <Uploader
        endpoint="/api/upload"
        resumeStorage={false}
        autoStart={false}
        fields={fields}
        messages={fr}
      />,
    );
    await user.upload(container.querySelector('input[type="file"]') as HTMLInputElement, [
      patternedFile(100, 'a.txt', 'text/plain'),
      patternedFile(100, 'b.txt', 'text/plain'),
    ]);
    await user.click(await screen.findByRole('button', { name: 'Envoyer 2 fichiers' }));
    await waitFor(() =>
      expect(screen.getAllByText('Renseignez « Title » pour envoyer ce fichier.')).toHaveLength(2),
    );
  });
});
