import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUploadMocks } from '../../src/msw/index';
import { fr, Uploader } from '../../src/styled/index';
import { patternedFile } from '../helpers/memoryStorage';

// issue 12: the limits in words, actions that make sense per error, and the status bar.

const mocks = createUploadMocks();
const server = setupServer(...mocks.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers(...mocks.handlers);
  mocks.reset();
});
afterAll(() => server.close());

// A backend without batch calls, so each file's `complete` is its own request to answer.
const oneFile = createUploadMocks({ batchEndpoints: false });

const dropzone = (name: string) => screen.getByRole('button', { name });

describe('limits in words', () => {
  it('describes the drop zone with the accepted types, size and count, in English and French', () => {
    const limits = { accept: ['image/*', 'application/pdf'], maxFileSize: 20_000_000, maxFiles: 10 };
    const { unmount } = render(
      <Uploader endpoint="/api/upload" resumeStorage={false} locale="en-US" {...limits} />,
    );
    const zone = dropzone('Drop files here or choose them');
    const hint = document.getElementById(zone.getAttribute('aria-describedby') ?? '');
    expect(hint?.textContent).toBe('Images and PDFs, up to 20 MB, 10 files at most');
    unmount();
    render(<Uploader endpoint="/api/upload" resumeStorage={false} locale="fr" messages={fr} {...limits} />);
    const zoneFr = dropzone('Déposez des fichiers ici ou choisissez-les');
    expect(document.getElementById(zoneFr.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Images et PDF, jusqu’à 20\u202fMo, 10 fichiers au plus',
    );
  });

  it('names types it has no words for by their extension, and leaves long MIME types as they are', () => {
    const { unmount } = render(
      <Uploader
        endpoint="/api/upload"
        resumeStorage={false}
        accept={['.docx', 'application/json', 'text/plain', 'image/*']}
      />,
    );
    const hint = () =>
      document.getElementById(
        dropzone('Drop files here or choose them').getAttribute('aria-describedby') ?? '',
      )?.textContent;
    expect(hint()).toBe('DOCX files, JSON files, text/plain and images');
    unmount();
    render(
      <Uploader endpoint="/api/upload" resumeStorage={false} accept={['application/msword']} maxFiles={2} />,
    );
    expect(hint()).toBe('application/msword, 2 files at most');
  });

  it('says nothing when there are no limits', () => {
    render(<Uploader endpoint="/api/upload" resumeStorage={false} />);
    expect(dropzone('Drop files here or choose them').hasAttribute('aria-describedby')).toBe(false);
  });
});

const noRetry = { resumeStorage: false, retry: { retries: 0 } } as const;

/** Renders `ui` and picks `files` in its file input, as a user does. */
async function pick(ui: React.ReactElement, files: File[]) {
  const { container } = render(ui);
  await userEvent.setup().upload(container.querySelector('input[type="file"]') as HTMLInputElement, files);
}

// upkit/server's answer to bytes that are not the declared type.
const refusedForContent = () =>
  HttpResponse.json(
    { error: { code: 'content-mismatch', message: "The file's content is not image/png." } },
    { status: 415 },
  );

describe('actions per error', () => {
  it('offers Retry for a failure a retry can fix, and not for a file refused for its content', async () => {
    server.use(
      http.post('*/api/upload/complete', async ({ request }) => {
        const body = (await request.json()) as { file: { name: string } };
        return body.file.name === 'fake.png'
          ? refusedForContent()
          : HttpResponse.json(
              { error: { code: 'storage-error', message: 'Storage is busy.' } },
              { status: 503 },
            );
      }),
      ...oneFile.handlers,
    );
    const user = userEvent.setup();
    const { container } = render(
      <Uploader endpoint="/api/upload" resumeStorage={false} retry={{ retries: 0 }} />,
    );
    await user.upload(container.querySelector('input[type="file"]') as HTMLInputElement, [
      patternedFile(100, 'fake.png', 'image/png'),
      patternedFile(100, 'busy.png', 'image/png'),
    ]);
    const fake = (await screen.findByText('fake.png')).closest('li')!;
    const busy = screen.getByText('busy.png').closest('li')!;
    await waitFor(() =>
      expect([fake, busy].map((li) => li.getAttribute('data-state'))).toEqual(['error', 'error']),
    );
    expect(within(fake).queryByRole('button', { name: 'Retry fake.png' })).toBeNull();
    expect(
      within(fake).getByText(/Sending it again will not help: remove it, or choose another file\./),
    ).toBeTruthy();
    expect(within(busy).getByRole('button', { name: 'Retry busy.png' })).toBeTruthy();
    // A failed row offers Remove, never Cancel (Remove aborts what is on storage too).
    for (const row of [fake, busy]) {
      expect(within(row).queryByRole('button', { name: /^Cancel / })).toBeNull();
      expect(within(row).getByRole('button', { name: /^Remove / })).toBeTruthy();
    }
    expect(within(busy).queryByText(/Sending it again will not help/)).toBeNull();
  });

  it('says in French why a file was refused for its content, without telling the user to try again later', async () => {
    server.use(
      http.post('*/api/upload/complete', () => refusedForContent()),
      ...oneFile.handlers,
    );
    await pick(<Uploader endpoint="/api/upload" locale="fr" messages={fr} {...noRetry} />, [
      patternedFile(100, 'faux.png', 'image/png'),
    ]);
    const row = (await screen.findByText('faux.png')).closest('li')!;
    await waitFor(() => expect(row.getAttribute('data-state')).toBe('error'));
    expect(row.textContent).toContain(
      'Le contenu de « faux.png » ne correspond pas à son type. Le renvoyer n’y changera rien',
    );
    expect(row.textContent).not.toMatch(/Réessayez/);
  });
});

describe('<UploadStatusBar> in <Uploader>', () => {
  it('sums the list, and its buttons act on every file they can help', async () => {
    let failing = true;
    server.use(
      http.post('*/api/upload/complete', async ({ request }) => {
        const body = (await request.json()) as { file: { name: string } };
        if (body.file.name === 'b.txt' && failing)
          return HttpResponse.json({ error: { code: 'busy', message: 'Busy.' } }, { status: 503 });
        return HttpResponse.json({ key: 'uploads/ok' });
      }),
      ...oneFile.handlers,
    );
    const user = userEvent.setup();
    const { container } = render(
      <Uploader
        endpoint="/api/upload"
        resumeStorage={false}

        retry={{ retries: 0 }}
        locale="en-US"
      />,
    );
    expect(screen.queryByRole('group', { name: 'All uploads' })).toBeNull();
    await user.upload(container.querySelector('input[type="file"]') as HTMLInputElement, [
      patternedFile(1000, 'a.txt', 'text/plain'),
      patternedFile(3000, 'b.txt', 'text/plain'),
    ]);
    const bar = await screen.findByRole('group', { name: 'All uploads' });
    await waitFor(() => expect(bar.getAttribute('data-state')).toBe('error'));
    expect(within(bar).getByText(/^1 of 2 files uploaded, 1 failed/)).toBeTruthy();
    expect(within(bar).queryByRole('button', { name: 'Pause all' })).toBeNull();

    failing = false;
    fireEvent.click(within(bar).getByRole('button', { name: 'Retry failed' }));
    await waitFor(() => expect(bar.getAttribute('data-state')).toBe('done'));
    expect(bar.querySelector('.upkit-statusbar__summary')?.textContent).toBe(
      'All 2 files uploaded · 4.0 kB / 4.0 kB',
    );
    expect(within(bar).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(within(bar).queryByRole('button')).toBeNull();
  });

  it('keeps keyboard focus as its buttons come and go', async () => {
    server.use(...createUploadMocks({ bytesPerSecond: 1_000 }).handlers);
    const user = userEvent.setup();
    const { container } = render(<Uploader endpoint="/api/upload" resumeStorage={false} />);
    await user.upload(container.querySelector('input[type="file"]') as HTMLInputElement, [
      patternedFile(50_000, 'a.txt', 'text/plain'),
      patternedFile(50_000, 'b.txt', 'text/plain'),
    ]);
    const bar = await screen.findByRole('group', { name: 'All uploads' });
    within(bar).getByRole('button', { name: 'Pause all' }).focus();
    await user.keyboard('{Enter}');
    // Pause all gave way to Resume all, which takes focus.
    expect(document.activeElement).toBe(within(bar).getByRole('button', { name: 'Resume all' }));
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(within(bar).getByRole('button', { name: 'Pause all' }));
    within(bar).getByRole('button', { name: 'Cancel all' }).focus();
    await user.keyboard('{Enter}');
    // Nothing left to act on: the bar is gone, and focus is back on the drop zone.
    await waitFor(() => expect(screen.queryByRole('group', { name: 'All uploads' })).toBeNull());
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'Drop files here or choose them' }),
    );
    server.resetHandlers(...mocks.handlers);
  });

  it('is left out with statusBar={false}', async () => {
    const user = userEvent.setup();
    const { container } = render(<Uploader endpoint="/api/upload" resumeStorage={false} statusBar={false} />);
    await user.upload(
      container.querySelector('input[type="file"]') as HTMLInputElement,
      patternedFile(10, 'a.txt', 'text/plain'),
    );
    await screen.findByText('a.txt');
    expect(screen.queryByRole('group', { name: 'All uploads' })).toBeNull();
  });

  it('still offers "Upload N files" with statusBar={false} and autoStart={false}', async () => {
    const user = userEvent.setup();
    const { container } = render(
      <Uploader endpoint="/api/upload" resumeStorage={false} statusBar={false} autoStart={false} />,
    );
    await user.upload(
      container.querySelector('input[type="file"]') as HTMLInputElement,
      patternedFile(10, 'a.txt', 'text/plain'),
    );
    await user.click(await screen.findByRole('button', { name: 'Upload 1 file' }));
    await waitFor(() =>
      expect(screen.getByText('a.txt').closest('li')?.getAttribute('data-state')).toBe('done'),
    );
    expect(screen.queryByRole('button', { name: /^Upload \d+ files?$/ })).toBeNull();
  });
});

describe('folders', () => {
  it('picks a folder and sends each file with its path in it as metadata.relativePath', async () => {
    const { container } = render(<Uploader endpoint="/api/upload" resumeStorage={false} folders />);
    expect(screen.getByRole('button', { name: 'Choose a folder' })).toBeTruthy();
    const input = container.querySelector('input[webkitdirectory]') as HTMLInputElement;
    const photo = patternedFile(100, 'a.png', 'image/png');
    Object.defineProperty(photo, 'webkitRelativePath', { value: 'trip/day1/a.png' });
    fireEvent.change(input, { target: { files: [photo] } });
    await waitFor(() =>
      expect(screen.getByText('a.png').closest('li')?.getAttribute('data-state')).toBe('done'),
    );
    const sent = JSON.stringify(mocks.requests.map((request) => request.body));
    expect(sent).toContain('"relativePath":"trip/day1/a.png"');
  });
});

describe('phones', () => {
  it('opens the camera with capture, and not otherwise', () => {
    const { container, unmount } = render(
      <Uploader endpoint="/api/upload" resumeStorage={false} accept="image/*" capture="environment" />,
    );
    expect(container.querySelector('input[type="file"]')?.getAttribute('capture')).toBe('environment');
    unmount();
    const plain = render(<Uploader endpoint="/api/upload" resumeStorage={false} accept="image/*" />);
    expect(plain.container.querySelector('input[type="file"]')?.hasAttribute('capture')).toBe(false);
    plain.unmount();
    // The camera cannot take a PDF, and on a phone capture replaces the chooser: no capture.
    for (const accept of [['image/*', '.pdf'], undefined]) {
      const mixed = render(
        <Uploader endpoint="/api/upload" resumeStorage={false} accept={accept} capture="environment" />,
      );
      expect(mixed.container.querySelector('input[type="file"]')?.hasAttribute('capture')).toBe(false);
      mixed.unmount();
    }
  });
});
