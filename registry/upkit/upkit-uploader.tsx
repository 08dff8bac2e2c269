'use client';

import { useId, useLayoutEffect, useRef } from 'react';
import {
  itemFraction,
  parseAccept,
  type AggregateProgress,
  type UploadEngine,
  type UploadItem,
  type UploadStatus,
} from 'upkit';
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
 * `accept`, `maxFileSize`, `maxFiles`, `onSuccess`, ...), plus the two below.
 */
export type UpkitUploaderProps = UseUploadOptions & {
  /**
   * A "Choose a folder" button under the drop zone: every file in the picked folder, each sent
   * with its path in it as `metadata.relativePath`. Dropped folders work without it.
   * @default false
   */
  folders?: boolean;
  /** Classes for the outer element. */
  className?: string;
};

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

// How `accept` tokens read in the drop zone's description; other tokens show as written.
const KINDS: Record<string, string> = {
  'image/*': 'images',
  'video/*': 'videos',
  'audio/*': 'audio files',
  'application/pdf': 'PDFs',
  '.pdf': 'PDFs',
};

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "812 bytes", "2.5 kB", "20 MB" (or "2.5 kB/s" per second), in the reader's locale. */
function formatBytes(bytes: number, perSecond = false): string {
  const power = Math.min(Math.floor(Math.log10(Math.max(bytes, 1)) / 3), UNITS.length - 1);
  return new Intl.NumberFormat(undefined, {
    style: 'unit',
    unit: perSecond ? `${UNITS[power]}-per-second` : UNITS[power],
    unitDisplay: power === 0 ? 'long' : 'short',
    maximumFractionDigits: power === 0 ? 0 : 1,
  }).format(bytes / 1000 ** power);
}

const timeLeft = (seconds: number) =>
  seconds < 60 ? `${Math.ceil(seconds)} s left` : `${Math.ceil(seconds / 60)} min left`;

/** The limits in words: "Images and PDFs, up to 20 MB, 10 files at most"; nothing without limits. */
function describeLimits(limits: {
  accept?: string | readonly string[] | undefined;
  maxFileSize?: number | undefined;
  maxFiles?: number | undefined;
}): string | undefined {
  const kinds = [...new Set(parseAccept(limits.accept).map((token) => KINDS[token] ?? token))];
  const text = [
    kinds.length > 0 && new Intl.ListFormat('en').format(kinds),
    limits.maxFileSize !== undefined && `up to ${formatBytes(limits.maxFileSize)}`,
    limits.maxFiles !== undefined && `${limits.maxFiles} ${limits.maxFiles === 1 ? 'file' : 'files'} at most`,
  ]
    .filter(Boolean)
    .join(', ');
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : undefined;
}

// Files the user meant to upload: not canceled, not refused before any request.
const counted = (item: UploadItem) => item.status !== 'canceled' && !item.error?.isValidation;

/**
 * A drop zone and file list for direct-to-storage uploads, on upkit's `useUpload` hook and its
 * headless prop getters, styled with your shadcn/ui `Button` and `Progress`.
 *
 * The drop zone opens the file picker on click, Enter or Space, takes dropped folders and pasted
 * files, and is described by its limits in words. A summary sums the list (files, bytes, speed,
 * time left) with Pause all, Resume all, Retry failed and Cancel all. Each file shows its size,
 * progress, status, error and the actions that apply to it now. Hidden live regions announce
 * start, milestones, completion and failures.
 *
 * @example
 * <UpkitUploader endpoint="/api/upload" accept="image/*" maxFileSize={10 * 1024 * 1024} />
 */
export function UpkitUploader({ folders = false, className, ...options }: UpkitUploaderProps) {
  const { items, progress, uploader, upload } = useUpload(options);
  const { accept, maxFiles, maxFileSize } = options;
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    onFiles: (files) => void upload(files),
    ...(accept === undefined ? {} : { accept }),
    // Folder walks stop past the limit; a one-file uploader's picker picks one.
    ...(maxFiles === undefined ? {} : { maxFiles, multiple: maxFiles !== 1 }),
  });
  const limits = describeLimits({ accept, maxFileSize, maxFiles });
  const limitsId = useId();
  const folderInput = useRef<HTMLInputElement>(null);

  // When the button keyboard focus is on goes away (Pause becomes Resume, Pause all becomes Resume
  // all, a finished upload loses Cancel, Remove takes its row), focus must not drop to <body>: it
  // goes to the first button left in that row or summary, or back to the drop zone.
  const zone = useRef<HTMLDivElement>(null);
  const focused = useRef<{ button: Element; group: Element | null } | null>(null);
  useLayoutEffect(() => {
    const { button, group } = focused.current ?? {};
    if (!button || button.isConnected) return;
    focused.current = null;
    if (document.activeElement && document.activeElement !== document.body) return;
    const next = group?.isConnected ? group.querySelector('button') : null;
    (next ?? zone.current)?.focus();
  }, [items]);

  return (
    <div
      className={cn('grid gap-3', className)}
      onFocus={(event) => {
        const button = (event.target as Element).closest('button');
        focused.current = button && { button, group: button.closest('li, [role="group"]') };
      }}
      // Focus the user took elsewhere is theirs: a button that goes later must not pull it back.
      onBlur={(event) => {
        const left = !event.currentTarget.contains(event.relatedTarget as Node | null);
        if (left && (event.target as Element).isConnected) focused.current = null;
      }}
    >
      <div
        {...getRootProps({
          className: cn(
            'flex min-h-32 cursor-pointer flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed p-6 text-center text-sm transition-colors',
            'outline-none hover:bg-muted/50 focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50',
            'data-[state=dragging]:border-primary data-[state=dragging]:bg-muted',
          ),
          // The limits sit outside the zone, whose name stays its prompt, and describe it.
          ...(limits ? { 'aria-describedby': limitsId } : {}),
        })}
        ref={zone}
      >
        <input {...getInputProps()} />
        <span className="font-medium">{isDragActive ? 'Drop to upload' : 'Drop files here'}</span>{' '}
        <span className="text-muted-foreground">or click to choose them</span>
      </div>

      {(limits || folders) && (
        <div className="flex flex-wrap items-center justify-between gap-2">
          {limits && (
            <p id={limitsId} className="text-xs text-muted-foreground">
              {limits}
            </p>
          )}
          {folders && (
            <>
              <Button type="button" variant="outline" size="sm" onClick={() => folderInput.current?.click()}>
                Choose a folder
              </Button>
              <input
                ref={folderInput}
                type="file"
                hidden
                tabIndex={-1}
                multiple
                // React passes this lower-case attribute through: the browser's folder picker.
                {...{ webkitdirectory: '' }}
                onChange={(event) => {
                  const files = Array.from(event.currentTarget.files ?? []);
                  // Picking the same folder again must fire change again.
                  event.currentTarget.value = '';
                  if (files.length > 0) void upload(files);
                }}
              />
            </>
          )}
        </div>
      )}

      <UploadSummary items={items} progress={progress} uploader={uploader} />

      {items.length > 0 && (
        // Safari drops list semantics from a list without list-style (Tailwind's preflight).
        <ul role="list" aria-label="Files" className="grid gap-2">
          {items.map((item) => (
            <UploadRow key={item.id} item={item} uploader={uploader} />
          ))}
        </ul>
      )}
      <UploadAnnouncer uploader={uploader} />
    </div>
  );
}

/**
 * The list in one line ("2 of 3 files uploaded · 1 failed · 1.2 MB of 4 MB · 2.5 MB/s · 12 s
 * left") and the actions for every file at once. Nothing while no file counts.
 */
function UploadSummary({
  items,
  progress,
  uploader,
}: {
  items: readonly UploadItem[];
  progress: AggregateProgress;
  uploader: UploadEngine;
}) {
  const files = items.filter(counted);
  if (files.length === 0) return null;
  const done = files.filter((item) => item.status === 'done').length;
  const failed = files.filter((item) => item.status === 'error').length;
  const noun = files.length === 1 ? 'file' : 'files';
  const moving = progress.speed > 0;
  const summary = [
    done === files.length
      ? `All ${files.length} ${noun} uploaded`
      : `${done} of ${files.length} ${noun} uploaded`,
    failed > 0 && `${failed} failed`,
    `${formatBytes(progress.bytesUploaded)} of ${formatBytes(progress.bytesTotal)}`,
    moving && formatBytes(progress.speed, true),
    moving && progress.eta !== undefined && progress.eta > 0 && timeLeft(progress.eta),
  ]
    .filter(Boolean)
    .join(' · ');
  // Only failures sending again can fix: not a file refused for its size, type or content.
  const retryable = files.filter((item) => canPerform(item, 'retry'));
  const actions = [
    {
      label: 'Pause all',
      show: files.some((item) => canPerform(item, 'pause')),
      run: () => uploader.pause(),
    },
    {
      label: 'Resume all',
      show: files.some((item) => canPerform(item, 'resume')),
      run: () => uploader.resume(),
    },
    {
      label: 'Retry failed',
      show: retryable.length > 0,
      run: () => retryable.forEach((item) => uploader.retry(item.id)),
    },
    {
      label: 'Cancel all',
      show: files.some((item) => item.status !== 'error' && canPerform(item, 'cancel')),
      run: () => void uploader.cancel(),
    },
  ];
  return (
    <div role="group" aria-label="All uploads" className="flex flex-wrap items-center justify-between gap-2">
      <p className="text-sm text-muted-foreground">{summary}</p>
      <span className="flex gap-1">
        {actions
          .filter((action) => action.show)
          .map((action) => (
            <Button key={action.label} type="button" variant="outline" size="sm" onClick={action.run}>
              {action.label}
            </Button>
          ))}
      </span>
    </div>
  );
}

/** One file: name, size, progress, status, error, and the actions that apply to it now. */
function UploadRow({ item, uploader }: { item: UploadItem; uploader: UploadEngine }) {
  const percent = Math.round(itemFraction(item) * 100);
  return (
    <li
      {...getItemProps(item, { className: 'grid gap-2 rounded-lg border bg-card p-3 text-card-foreground' })}
    >
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="truncate font-medium">{item.name}</span>
        <span className="shrink-0 tabular-nums text-muted-foreground">{formatBytes(item.size)}</span>
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
            <Button key={action} variant="ghost" size="sm" {...getActionProps(uploader, item, action)}>
              {defaultMessages[action]}
            </Button>
          ))}
        </span>
      </div>
      {item.error && (
        <p className="text-xs text-destructive" data-code={item.error.code}>
          {item.error.message}
          {item.error.isFinal && !item.error.isValidation && ' Sending it again will not help.'}
        </p>
      )}
    </li>
  );
}
