import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, expect, it, vi } from 'vitest';
import { UploadError } from '../../src/core/errors';
import { Uploader } from '../../src/styled/index';
import { createMemoryStorage, patternedFile } from '../helpers/memoryStorage';

afterEach(() => vi.restoreAllMocks());

it('says the user is offline while uploads wait for the network, and nothing once it is back', async () => {
  const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
  const storage = createMemoryStorage();
  storage.intercept(() => {
    if (navigator.onLine) return undefined;
    throw new UploadError('network', 'Network error');
  });
  const user = userEvent.setup();
  const { container } = render(
    <Uploader
      backend={storage.backend}
      transport={storage.transport}
      resumeStorage={false}
      retry={{ retries: 0 }}
    />,
  );
  await user.upload(
    container.querySelector('input[type="file"]') as HTMLInputElement,
    patternedFile(100, 'a.bin'),
  );
  const offline = await screen.findByText(
    'You are offline. Uploads go on by themselves when the network is back.',
  );
  expect(offline.getAttribute('role')).toBe('status');
  const row = screen.getByText('a.bin').closest('li')!;
  expect(row.getAttribute('data-state')).not.toBe('error');

  onLine.mockReturnValue(true);
  window.dispatchEvent(new Event('online'));
  await waitFor(() => expect(row.getAttribute('data-state')).toBe('done'));
  expect(within(container).queryByText(/You are offline/)).toBeNull();
});
