import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import { Zone } from './dropZone';

// The drop walker (folders, file handles) is a chunk useDropzone fetches as a drag enters. Offline
// with that chunk not cached, its import fails: the drop must still deliver its plain file list,
// and a later drop must try the chunk again rather than remember the failure.
let offline = true;
const walked = vi.fn();
vi.mock('../../../src/headless/collectDroppedFiles', () => {
  if (offline) throw new Error('Failed to fetch dynamically imported module');
  return {
    collectDroppedFiles: (drop: { files: File[] }) => {
      walked();
      return Promise.resolve(drop.files.slice(0, 1));
    },
  };
});

it('delivers a drop as its plain files (no folders) when the walker cannot be fetched, and retries it later', async () => {
  const onFiles = vi.fn();
  render(<Zone onFiles={onFiles} />);
  const zone = screen.getByRole('button', { name: 'Upload files' });
  const files = [new File(['x'], 'ticket.pdf', { type: 'application/pdf' })];
  // A folder dropped beside it: the browser lists it as a file that cannot be read, which the
  // plain list must leave out.
  const folder = new File([], 'photos');
  const transfer = {
    files: [...files, folder],
    items: [
      { kind: 'file', webkitGetAsEntry: () => ({ isFile: true, isDirectory: false }) },
      { kind: 'file', webkitGetAsEntry: () => ({ isFile: false, isDirectory: true }) },
    ],
    types: ['Files'],
  };
  // A drop with no dragenter before it (a drag that began inside the zone's child): the fetch
  // starts at the drop.
  await act(async () => {
    fireEvent.drop(zone, { dataTransfer: transfer });
  });
  await waitFor(() => expect(onFiles).toHaveBeenCalledWith(files));
  expect(walked).not.toHaveBeenCalled();

  // Back online: the next drop goes through the walker.
  offline = false;
  vi.resetModules();
  await act(async () => {
    fireEvent.drop(zone, { dataTransfer: transfer });
  });
  await waitFor(() => expect(onFiles).toHaveBeenCalledTimes(2));
  expect(walked).toHaveBeenCalledTimes(1);
  expect(onFiles).toHaveBeenLastCalledWith(files);
});
