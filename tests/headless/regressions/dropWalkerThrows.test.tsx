import { render, waitFor } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import { dropPlain, Zone } from './dropZone';

// A walker that fails as a whole (a browser bug, an entry API that throws) must not lose the drop
// nor leave an unhandled rejection: the plain files arrive.
vi.mock('../../../src/headless/collectDroppedFiles', () => ({
  collectDroppedFiles: () => Promise.reject(new Error('entry API broke')),
}));

it('delivers the plain files when the walker fails', async () => {
  const onFiles = vi.fn();
  render(<Zone onFiles={onFiles} />);
  const files = [new File(['x'], 'ticket.pdf', { type: 'application/pdf' })];
  await dropPlain(files);
  await waitFor(() => expect(onFiles).toHaveBeenCalledWith(files));
});
