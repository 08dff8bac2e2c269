import { useEffect, useState } from 'react';
import { lazyChunk } from '../core/lazyChunk.js';
import type { UploadHookResult } from '../react/useUploader.js';
import type { StyledMessages } from './messages.js';
import type * as SectionModule from './ResumableSection.js';

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
// chunk fetched when there is something to resume. Not React.lazy: a lazy component whose fetch
// fails (offline) reaches the app's error boundary, or unmounts the whole app without one. Here
// nothing shows, and the next change of the list asks again.
let section: typeof SectionModule | undefined;
const loadSection = /* @__PURE__ */ lazyChunk(() => import('./ResumableSection.js'));

/**
 * The uploads a reload, a crash or a closed tab interrupted, each with Resume and Discard.
 * Resume reopens the file through its kept handle (one permission prompt) or, where the
 * browser kept none, asks the user to pick it; the parts storage holds are not sent again.
 * Renders nothing when there is nothing to resume.
 */
export function ResumableList({ upload, ...props }: ResumableListProps) {
  const needed = upload.resumable.length > 0;
  const [, setLoaded] = useState(false);
  useEffect(() => {
    if (!needed || section) return;
    let live = true;
    loadSection().then(
      (module) => {
        section = module;
        if (live) setLoaded(true);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [needed, upload.resumable]);
  if (!needed || !section) return null;
  return <section.default upload={upload} {...props} />;
}
