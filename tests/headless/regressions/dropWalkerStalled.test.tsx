import { render, waitFor } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import { dropPlain, Zone } from './dropZone';

// On a train the walker's fetch can stall rather than fail. A drop must not wait for it without
// end (the user would drop again, and get every file twice): after 3 s its plain files arrive.
vi.mock('../../../src/headless/collectDroppedFiles', () => new Promise(() => undefined));

it('delivers the plain files after 3 s when the walker has not arrived', async () => {
  const onFiles = vi.fn();
  render(<Zone onFiles={onFiles} />);
  const files = [new File(['x'], 'boarding-pass.pdf', { type: 'application/pdf' })];
  await dropPlain(files);
  await waitFor(() => expect(onFiles).toHaveBeenCalledWith(files), { timeout: 6000 });
}, 10_000);
