import { useDropzone } from '../../../src/headless/useDropzone';

/** A bare drop zone, named "Upload files", delivering to `onFiles`. */
export function Zone({ onFiles }: { onFiles: (files: File[]) => void }) {
  const { getRootProps } = useDropzone({ onFiles });
  return <div {...getRootProps({ 'aria-label': 'Upload files' })}>Drop here</div>;
}
