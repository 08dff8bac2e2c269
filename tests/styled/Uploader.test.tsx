import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUploadMocks } from '../../src/msw/index';
import { fr, Uploader } from '../../src/styled/index';
import { patternedFile } from '../helpers/memoryStorage';

const mocks = createUploadMocks();
const server = setupServer(...mocks.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mocks.reset());
afterAll(() => server.close());

describe('<Uploader>', () => {
  it('uploads a picked file and shows its name, size, progress and status', async () => {
    const user = userEvent.setup();
    const { container } = render(<Uploader endpoint="/api/upload" resumeStorage={false} locale="en-US" />);
    const input = container.querySelector('input[type="file"]') as HTMLInputElement;
    await user.upload(input, patternedFile(2500, 'notes.txt', 'text/plain'));
    const item = (await screen.findByText('notes.txt')).closest('li')!;
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('done'));
    expect(within(item).getByText('2.5 kB')).toBeTruthy();
    expect(within(item).getByText('Uploaded')).toBeTruthy();
    expect(
      within(item)
        .getByRole('progressbar', { name: 'Upload progress of notes.txt' })
        .getAttribute('aria-valuenow'),
    ).toBe('100');
    expect(within(item).getByRole('button', { name: 'Remove notes.txt' })).toBeTruthy();
    expect(mocks.objects.size).toBe(1);
  });

  it('speaks French when given the French messages, and shows validation errors', async () => {
    const user = userEvent.setup({ applyAccept: false });
    const { container } = render(
      <Uploader endpoint="/api/upload" resumeStorage={false} messages={fr} accept="image/*" theme="dark" />,
    );
    expect(screen.getByRole('button', { name: 'Déposez des fichiers ici ou choisissez-les' })).toBeTruthy();
    expect(container.querySelector('.upkit')?.getAttribute('data-theme')).toBe('dark');
    await user.upload(
      container.querySelector('input[type="file"]') as HTMLInputElement,
      patternedFile(10, 'a.txt', 'text/plain'),
    );
    const item = (await screen.findByText('a.txt')).closest('li')!;
    expect(within(item).getByText('Échec')).toBeTruthy();
    expect(
      within(item).getByText('« a.txt » n’est pas d’un type accepté. Types acceptés : image/*.'),
    ).toBeTruthy();
    expect(within(item).getByRole('button', { name: 'Retirer a.txt' })).toBeTruthy();
    // The live region speaks the same French text, not the engine's English message.
    expect(screen.getByRole('alert').textContent).toBe(
      'Échec de a.txt : « a.txt » n’est pas d’un type accepté. Types acceptés : image/*.',
    );
    expect(mocks.requests).toEqual([]);
  });

  it('words size and count limits in French with French numbers (rejected files do not count)', async () => {
    const user = userEvent.setup();
    const { container } = render(
      <Uploader endpoint="/api/upload" resumeStorage={false} messages={fr} maxFileSize={1500} maxFiles={2} />,
    );
    await user.upload(container.querySelector('input[type="file"]') as HTMLInputElement, [
      patternedFile(2500, 'gros.bin'),
      patternedFile(10, 'b.bin'),
      patternedFile(10, 'c.bin'),
      patternedFile(10, 'd.bin'),
    ]);
    const text = (name: string) =>
      (screen.getByText(name).closest('li')!.querySelector('[data-code]') as HTMLElement).textContent;
    expect(text('gros.bin')).toBe(
      '« gros.bin » pèse 2,5\u202fko ; la limite est de 1,5\u202fko. Choisissez un fichier plus petit.',
    );
    expect(text('d.bin')).toBe(
      '« d.bin » n’a pas été ajouté : 2 fichiers au plus. Retirez-en un et réessayez.',
    );
  });

  it('keeps keyboard focus in the list when a file is removed', async () => {
    const user = userEvent.setup();
    const { container } = render(<Uploader endpoint="/api/upload" resumeStorage={false} />);
    await user.upload(container.querySelector('input[type="file"]') as HTMLInputElement, [
      patternedFile(10, 'a.bin'),
      patternedFile(10, 'b.bin'),
      patternedFile(10, 'c.bin'),
    ]);
    await waitFor(() => expect(container.querySelectorAll('li[data-state="done"]')).toHaveLength(3));
    screen.getByRole('button', { name: 'Remove b.bin' }).focus();
    await user.keyboard('{Enter}');
    // c.bin took b.bin's place.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove c.bin' }));
    await user.keyboard('{Enter}');
    // The end of the list: the row before.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove a.bin' }));
    // The last file: the drop zone, to add more.
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'Drop files here or choose them' }),
    );
  });

  it('with maxFiles 1, picks one file and shows extra dropped files as refused, none lost', async () => {
    const { container } = render(<Uploader endpoint="/api/upload" resumeStorage={false} maxFiles={1} />);
    expect((container.querySelector('input[type="file"]') as HTMLInputElement).multiple).toBe(false);
    const files = [
      patternedFile(10, 'one.txt'),
      patternedFile(10, 'two.txt'),
      patternedFile(10, 'three.txt'),
    ];
    fireEvent.drop(screen.getByRole('button', { name: 'Drop files here or choose them' }), {
      dataTransfer: { files, items: files.map(() => ({ kind: 'file' })), types: ['Files'] },
    });
    const row = async (name: string) => (await screen.findByText(name)).closest('li')!;
    await waitFor(async () => expect((await row('one.txt')).getAttribute('data-state')).toBe('done'));
    for (const name of ['two.txt', 'three.txt']) {
      expect((await row(name)).getAttribute('data-state')).toBe('error');
      expect((await row(name)).querySelector('[data-code]')?.getAttribute('data-code')).toBe(
        'too-many-files',
      );
    }
  });
});
