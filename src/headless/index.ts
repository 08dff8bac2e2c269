export { useDropzone } from './useDropzone';
export type { DropzoneInputProps, DropzoneRootProps, DropzoneState, UseDropzoneOptions } from './useDropzone';
export { canPerform, defaultMessages, getActionProps, getItemProps, getProgressProps } from './itemProps';
export type { ItemAction, UploadMessages } from './itemProps';
export { defaultAnnouncerMessages, useUploadAnnouncer } from './useUploadAnnouncer';
export type { AnnouncerMessages } from './useUploadAnnouncer';
export { UploadAnnouncer } from './UploadAnnouncer';
export type { UploadAnnouncerProps } from './UploadAnnouncer';
export { collectDroppedFiles, snapshotDrop } from './collectFiles';
export type { DropSnapshot } from './collectFiles';
export { composeHandlers, mergeProps } from './composeProps';
export { Upload } from './UploadItemParts';
export type {
  UploadItemActionProps,
  UploadItemErrorProps,
  UploadItemIndicatorProps,
  UploadItemProgressProps,
  UploadItemRootProps,
} from './UploadItemParts';
