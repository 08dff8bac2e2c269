export { useDropzone } from './useDropzone.js';
export type {
  DropzoneInputProps,
  DropzoneRootProps,
  DropzoneState,
  UseDropzoneOptions,
} from './useDropzone.js';
export { canPerform, defaultMessages, getActionProps, getItemProps, getProgressProps } from './itemProps.js';
export type { ItemAction, UploadMessages } from './itemProps.js';
export { defaultAnnouncerMessages, useUploadAnnouncer } from './useUploadAnnouncer.js';
export type { AnnouncerMessages } from './useUploadAnnouncer.js';
export { UploadAnnouncer } from './UploadAnnouncer.js';
export type { UploadAnnouncerProps } from './UploadAnnouncer.js';
export { snapshotDrop } from './collectFiles.js';
export { collectDroppedFiles } from './collectDroppedFiles.js';
export type { DropSnapshot } from './collectFiles.js';
export { composeHandlers, mergeProps } from './composeProps.js';
export { Upload } from './UploadItemParts.js';
export type {
  UploadItemActionProps,
  UploadItemErrorProps,
  UploadItemIndicatorProps,
  UploadItemProgressProps,
  UploadItemRootProps,
} from './UploadItemParts.js';
