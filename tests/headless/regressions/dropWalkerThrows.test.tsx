import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import { Zone } from './dropZone';

// A walker that fails as a whole (a browser bug, an entry API that throws) must not lose the drop
// nor leave an unhandled rejection: the plain files arrive.
vi.mock('../../../src/headless/collectDroppedFiles', () => ({
  collectDroppedFiles: () => Promise.reject(new Error('entry API broke')),
}));

it('delivers the plain files when the walker fails', async () => {
  const onFiles = vi.fn();
  render(<Zone onFiles={onFiles} />);
  const files = [new File(['x'], 'ticket.pdf', { type: 'application/pdf' })];
  const transfer = { files, items: [{ kind: 'file', webkitGetAsEntry: () => null }], types: ['Files'] };
  await act(async () => {
    fireEvent.drop(screen.getByRole('button', { name: 'Upload files' }), { dataTransfer: transfer });
  });
  await waitFor(() => expect(onFiles).toHaveBeenCalledWith(files));
});
