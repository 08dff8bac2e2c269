import { render, screen, waitFor, within } from '@testing-library/react';
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
    expect(within(item).getByText('2.5 KB')).toBeTruthy();
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
    expect(within(item).getByText(/not an accepted type/)).toBeTruthy();
    expect(within(item).getByRole('button', { name: 'Retirer a.txt' })).toBeTruthy();
    expect(mocks.requests).toEqual([]);
  });
});
