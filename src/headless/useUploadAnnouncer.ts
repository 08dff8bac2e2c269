import { useEffect, useState } from 'react';
import type { UploadEngine } from '../core/createUploadEngine.js';
import { counts, selectProgress, selectStatus, type AggregateStatus } from '../core/selectors.js';
import { defaultMessages, type UploadMessages } from './itemProps.js';

/** What the live regions say; pass your own for another language. */
export interface AnnouncerMessages extends Pick<UploadMessages, 'errorMessage'> {
  started: (files: number) => string;
  milestone: (percent: number) => string;
  /** Once every file has settled: how many were uploaded, and how many failed. */
  done: (files: number, failed: number) => string;
  failed: (name: string, reason: string) => string;
}

/** English defaults. */
export const defaultAnnouncerMessages: AnnouncerMessages = {
  started: (files) => `Uploading ${files} ${files === 1 ? 'file' : 'files'}.`,
  milestone: (percent) => `Upload ${percent}% done.`,
  done: (files, failed) =>
    failed
      ? `${files} of ${files + failed} files uploaded, ${failed} failed.`
      : `${files} ${files === 1 ? 'file' : 'files'} uploaded.`,
  failed: (name, reason) => `${name} failed: ${reason}`,
  errorMessage: defaultMessages.errorMessage,
};

// The standard visually-hidden pattern: read by screen readers, never shown.
const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
  border: 0,
} as const;

/**
 * Announces an upload to screen readers: a polite message when uploads start, at 25, 50 and 75 %,
 * and once when every file has settled (how many were uploaded, how many failed); an assertive
 * one for each failure. Files refused before any request (size, type) are told as failures only.
 * Spread `politeProps` and `assertiveProps` on two elements that stay mounted, with the messages
 * as their text.
 */
export function useUploadAnnouncer(
  uploader: UploadEngine,
  messages: AnnouncerMessages = defaultAnnouncerMessages,
) {
  const [polite, setPolite] = useState('');
  const [assertive, setAssertive] = useState('');

  useEffect(() => {
    let last: AggregateStatus = selectStatus(uploader.store.getState().items);
    let milestone = 0;
    const announcedErrors = new Set<string>();
    return uploader.store.subscribe(({ items }) => {
      const now = selectStatus(items);
      if (now === 'uploading' && last !== 'uploading') {
        milestone = 0;
        setPolite(
          messages.started(
            items.filter((i) => i.status !== 'done' && i.status !== 'error' && i.status !== 'canceled')
              .length,
          ),
        );
      } else if (now === 'uploading') {
        const reached = Math.floor(selectProgress(items).fraction * 4) * 25;
        if (reached > milestone && reached < 100) {
          milestone = reached;
          setPolite(messages.milestone(reached));
        }
      } else if ((now === 'done' || now === 'error') && (last === 'uploading' || last === 'paused')) {
        // Files refused before any request were told at once (assertive), and are not counted;
        // a batch whose every file was canceled or refused says nothing more.
        const settled = items.filter(counts);
        const failed = settled.filter((i) => i.status === 'error').length;
        if (settled.length) setPolite(messages.done(settled.length - failed, failed));
      }
      last = now;
      for (const item of items) {
        if (item.status === 'error' && item.error && !announcedErrors.has(item.id)) {
          announcedErrors.add(item.id);
          setAssertive(messages.failed(item.name, messages.errorMessage(item.error, item)));
        } else if (item.status !== 'error') {
          announcedErrors.delete(item.id);
        }
      }
    });
  }, [uploader, messages]);

  return {
    polite,
    assertive,
    politeProps: {
      role: 'status',
      'aria-live': 'polite',
      'aria-atomic': true,
      style: visuallyHidden,
    } as const,
    assertiveProps: {
      role: 'alert',
      'aria-live': 'assertive',
      'aria-atomic': true,
      style: visuallyHidden,
    } as const,
  };
}
