import { render, screen } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import type { ResumableUpload } from '../../../src/core/selectors';
import { ResumableList } from '../../../src/styled/ResumableList';

// The interrupted-uploads rows are a chunk fetched when there is something to resume: the user
// most likely to have something is the one whose network just failed. A chunk that cannot be
// fetched must show nothing and break nothing around it (a rejected React.lazy would unmount the
// whole app), and be asked for again when the list changes.
let offline = true;
vi.mock('../../../src/styled/ResumableSection', async (original) => {
  if (offline) throw new Error('Failed to fetch dynamically imported module');
  return original();
});

const entry = (id: string): ResumableUpload => ({
  id,
  name: `${id}.mov`,
  size: 10_000_000,
  type: 'video/quicktime',
  lastModified: 1,
  bytesUploaded: 5_000_000,
  savedAt: 1,
  expiresAt: Date.now() + 3_600_000,
  canReopen: false,
});

it('shows nothing while its chunk cannot be fetched, keeps the page, and loads it on the next change', async () => {
  const upload = { resumable: [entry('film')], restore: vi.fn(), discard: vi.fn() };
  const { rerender } = render(
    <main>
      <p>Drop files here</p>
      <ResumableList upload={upload} />
    </main>,
  );
  // Let the failed fetch settle.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(screen.getByText('Drop files here')).toBeTruthy();
  expect(screen.queryByRole('region', { name: 'Interrupted uploads' })).toBeNull();

  offline = false;
  vi.resetModules();
  rerender(
    <main>
      <p>Drop files here</p>
      <ResumableList upload={{ ...upload, resumable: [entry('film'), entry('clip')] }} />
    </main>,
  );
  expect(await screen.findByRole('region', { name: 'Interrupted uploads' })).toBeTruthy();
  expect(screen.getByText('clip.mov')).toBeTruthy();
});
