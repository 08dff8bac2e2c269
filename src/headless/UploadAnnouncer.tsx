import type { UploadEngine } from '../core/createUploadEngine.js';
import { useUploadAnnouncer, type AnnouncerMessages } from './useUploadAnnouncer.js';

/** Props of {@link UploadAnnouncer}. */
export interface UploadAnnouncerProps {
  uploader: UploadEngine;
  /** @default English */
  messages?: AnnouncerMessages;
}

/** Two visually hidden live regions that announce an upload's start, milestones, end and errors. */
export function UploadAnnouncer({ uploader, messages }: UploadAnnouncerProps) {
  const { polite, assertive, politeProps, assertiveProps } = useUploadAnnouncer(uploader, messages);
  return (
    <>
      <div {...politeProps}>{polite}</div>
      <div {...assertiveProps}>{assertive}</div>
    </>
  );
}
