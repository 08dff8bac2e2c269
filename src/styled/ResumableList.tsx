import { lazy, Suspense } from 'react';
import type { UploadHookResult } from '../react/useUploader.js';
import type { StyledMessages } from './messages.js';

/** Props of {@link ResumableList}. */
export interface ResumableListProps {
  upload: Pick<UploadHookResult, 'resumable' | 'restore' | 'discard'>;
  /** @default English */
  messages?: StyledMessages;
  /** Locale for numbers. @default the browser's */
  locale?: string;
  className?: string;
}

// Its rows (Resume, Discard, the file picker for a file the browser kept no handle to) are a
// chunk fetched only when there is something to resume.
const Section = lazy(() => import('./ResumableSection.js'));

/**
 * The uploads a reload, a crash or a closed tab interrupted, each with Resume and Discard.
 * Resume reopens the file through its kept handle (one permission prompt) or, where the
 * browser kept none, asks the user to pick it; the parts storage holds are not sent again.
 * Renders nothing when there is nothing to resume.
 */
export function ResumableList({ upload, ...props }: ResumableListProps) {
  if (upload.resumable.length === 0) return null;
  return (
    <Suspense fallback={null}>
      <Section upload={upload} {...props} />
    </Suspense>
  );
}
