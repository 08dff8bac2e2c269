'use client';

import { useLayoutEffect, useRef } from 'react';
import { itemFraction, selectProgress, type UploadItem, type UploadStatus } from 'upkit';
import {
  canPerform,
  defaultMessages,
  getActionProps,
  getItemProps,
  getProgressProps,
  UploadAnnouncer,
  useDropzone,
  useUpload,
  type ItemAction,
  type UseUploadOptions,
} from 'upkit/react';
import { Button } from '@/components/ui/button';
import { Progress } from '@/components/ui/progress';
import { cn } from '@/lib/utils';

/**
 * Props of {@link UpkitUploader}: the options of upkit's `useUpload` (`endpoint` or `backend`,
 * `accept`, `maxFileSize`, `maxFiles`, `onSuccess`, ...), plus `className` for the outer element.
 */
export type UpkitUploaderProps = UseUploadOptions & { className?: string };

const ACTIONS: readonly ItemAction[] = ['pause', 'resume', 'retry', 'cancel', 'remove'];

const STATUS: Record<UploadStatus, string> = {
  queued: 'Waiting',
  signing: 'Preparing',
  uploading: 'Uploading',
  completing: 'Finishing',
  done: 'Uploaded',
  paused: 'Paused',
  error: 'Failed',
  canceled: 'Canceled',
};

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "812 bytes", "2.5 kB", "1.2 GB", in the reader's locale. */
function formatBytes(bytes: number): string {
  const power = Math.min(Math.floor(Math.log10(Math.max(bytes, 1)) / 3), UNITS.length - 1);
  return new Intl.NumberFormat(undefined, {
    style: 'unit',
    unit: UNITS[power],
    unitDisplay: power === 0 ? 'long' : 'short',
    maximumFractionDigits: power === 0 ? 0 : 1,
  }).format(bytes / 1000 ** power);
}

// Files the user meant to upload: not canceled, not refused before any request.
const counted = (item: UploadItem) => item.status !== 'canceled' && !item.error?.isValidation;

/** "2 of 3 files uploaded · 1 failed · 1.2 MB of 4 MB"; nothing while no file counts. */
function summarize(items: readonly UploadItem[]): string | undefined {
  const files = items.filter(counted);
  if (files.length === 0) return undefined;
  const done = files.filter((item) => item.status === 'done').length;
  const failed = files.filter((item) => item.status === 'error').length;
  const { bytesUploaded, bytesTotal } = selectProgress(items);
  const noun = files.length === 1 ? 'file' : 'files';
  return [
    done === files.length
      ? `All ${files.length} ${noun} uploaded`
      : `${done} of ${files.length} ${noun} uploaded`,
    failed > 0 && `${failed} failed`,
    `${formatBytes(bytesUploaded)} of ${formatBytes(bytesTotal)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * A drop zone and file list for direct-to-storage uploads, on upkit's `useUpload` hook and its
 * headless prop getters, styled with your shadcn/ui `Button` and `Progress`.
 *
 * The drop zone opens the file picker on click, Enter or Space, and takes dropped folders and
 * pasted files. Each file shows its size, progress (an accessible progress bar), status, error,
 * and the actions that apply to it now (Pause, Resume, Retry, Cancel, Remove). A summary line
 * sums the list, and hidden live regions announce start, milestones, completion and failures.
 *
 * @example
 * <UpkitUploader endpoint="/api/upload" accept="image/*" maxFileSize={10 * 1024 * 1024} />
 */
export function UpkitUploader({ className, ...options }: UpkitUploaderProps) {
  const { items, uploader, upload } = useUpload(options);
  const { accept, maxFiles } = options;
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    onFiles: (files) => void upload(files),
    ...(accept === undefined ? {} : { accept }),
    // Folder walks stop past the limit; a one-file uploader's picker picks one.
    ...(maxFiles === undefined ? {} : { maxFiles, multiple: maxFiles !== 1 }),
  });

  // An action that hides its own button (Pause becomes Resume) or its row (Remove) must not drop
  // keyboard focus to <body>: it goes to the row's first button, or back to the drop zone.
  const zone = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const acted = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const id = acted.current;
    acted.current = undefined;
    if (id === undefined || (document.activeElement && document.activeElement !== document.body)) return;
    const rows = Array.from(list.current?.children ?? []) as HTMLElement[];
    const row = rows.find((element) => element.dataset.uploadId === id);
    (row?.querySelector('button') ?? zone.current)?.focus();
  }, [items]);

  return (
    <div className={cn('grid gap-3', className)}>
      <div
        {...getRootProps({
          className: cn(
            'flex min-h-32 cursor-pointer flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed p-6 text-center text-sm transition-colors',
            'outline-none hover:bg-muted/50 focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50',
            'data-[state=dragging]:border-primary data-[state=dragging]:bg-muted',
          ),
        })}
        ref={zone}
      >
        <input {...getInputProps()} />
        <span className="font-medium">{isDragActive ? 'Drop to upload' : 'Drop files here'}</span>{' '}
        <span className="text-muted-foreground">or click to choose them</span>
      </div>

      {items.length > 0 && (
        <>
          <p className="text-sm text-muted-foreground">{summarize(items)}</p>
          <ul
            ref={list}
            // Safari drops list semantics from a list without list-style (Tailwind's preflight).
            role="list"
            aria-label="Files"
            className="grid gap-2"
            // Before the button's own handler, whose action re-renders the list.
            onClickCapture={(event) => {
              const button = (event.target as Element).closest('button[data-action]');
              acted.current = button?.closest<HTMLElement>('[data-upload-id]')?.dataset.uploadId;
            }}
          >
            {items.map((item) => {
              const percent = Math.round(itemFraction(item) * 100);
              return (
                <li
                  key={item.id}
                  {...getItemProps(item, {
                    className: 'grid gap-2 rounded-lg border bg-card p-3 text-card-foreground',
                    'data-upload-id': item.id,
                  })}
                >
                  <div className="flex items-baseline justify-between gap-2 text-sm">
                    <span className="truncate font-medium">{item.name}</span>
                    <span className="shrink-0 tabular-nums text-muted-foreground">
                      {formatBytes(item.size)}
                    </span>
                  </div>
                  <Progress
                    {...getProgressProps(item)}
                    value={percent}
                    className={cn('h-1.5', item.status === 'error' && '[&>*]:bg-destructive')}
                  />
                  <div className="flex items-center justify-between gap-2">
                    <span className="text-xs text-muted-foreground">
                      {STATUS[item.status]}
                      {item.status === 'uploading' && ` · ${percent}%`}
                    </span>
                    <span className="flex gap-1">
                      {ACTIONS.filter((action) => canPerform(item, action)).map((action) => (
                        <Button
                          key={action}
                          variant="ghost"
                          size="sm"
                          {...getActionProps(uploader, item, action)}
                        >
                          {defaultMessages[action]}
                        </Button>
                      ))}
                    </span>
                  </div>
                  {item.error && (
                    <p className="text-xs text-destructive" data-code={item.error.code}>
                      {item.error.message}
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
      <UploadAnnouncer uploader={uploader} />
    </div>
  );
}
