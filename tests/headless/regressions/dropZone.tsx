import { act, fireEvent, screen } from '@testing-library/react';
import { useDropzone } from '../../../src/headless/useDropzone';

/** A bare drop zone, named "Upload files", delivering to `onFiles`. */
export function Zone({ onFiles }: { onFiles: (files: File[]) => void }) {
  const { getRootProps } = useDropzone({ onFiles });
  return <div {...getRootProps({ 'aria-label': 'Upload files' })}>Drop here</div>;
}

/** Drops `files` (plain files, no entries) on the zone. */
export async function dropPlain(files: File[]): Promise<void> {
  const transfer = {
    files,
    items: files.map(() => ({ kind: 'file', webkitGetAsEntry: () => null })),
    types: ['Files'],
  };
  await act(async () => {
    fireEvent.drop(screen.getByRole('button', { name: 'Upload files' }), { dataTransfer: transfer });
  });
}
