import {
  createContext,
  createElement,
  useContext,
  useMemo,
  type ComponentPropsWithoutRef,
  type ComponentType,
  type ReactNode,
} from 'react';

// Each part's class in upkit/styles.css.
const BUILT_IN = {
  root: 'upkit',
  dropzone: 'upkit-dropzone',
  prompt: 'upkit-dropzone__prompt',
  hint: 'upkit-dropzone__hint',
  folderButton: 'upkit-dropzone__folder',
  button: 'upkit-button',
  offline: 'upkit-offline',
  list: 'upkit-list',
  items: 'upkit-list__items',
  item: 'upkit-item',
  card: 'upkit-item__card',
  thumb: 'upkit-item__thumb',
  body: 'upkit-item__body',
  row: 'upkit-item__row',
  name: 'upkit-item__name',
  size: 'upkit-item__size',
  status: 'upkit-item__status',
  actions: 'upkit-item__actions',
  action: 'upkit-action',
  error: 'upkit-item__error',
  progress: 'upkit-progress',
  indicator: 'upkit-progress__indicator',
  fields: 'upkit-fields',
  field: 'upkit-field',
  statusBar: 'upkit-statusbar',
  summary: 'upkit-statusbar__summary',
  resumable: 'upkit-resumable',
  resumableTitle: 'upkit-resumable__title',
} as const;

/** The parts of the styled components, each of which takes a class (`classNames`). */
export type UploaderPart = keyof typeof BUILT_IN;

/** Props every progress bar slot gets: `role="progressbar"` with its ARIA values, and `value` (0-100). */
export type UploadProgressProps = ComponentPropsWithoutRef<'div'> & {
  value: number;
  /** The file's status (`uploading`, `done`, `error`, ...), or the whole list's in the status bar. */
  'data-state'?: string;
};

/**
 * Components to render in place of upkit's own, e.g. a design system's button. Each gets the
 * props upkit would put on its element (accessible name, `hidden`, `disabled`, handlers,
 * `className`): spread them onto yours.
 */
export interface UploaderComponents {
  /**
   * Every button: file actions, the status bar's, the folder picker, resume and discard. The one
   * main action ("Upload N files") comes with `data-primary`: map it to your primary variant.
   */
  Button?: ComponentType<ComponentPropsWithoutRef<'button'> & { 'data-primary'?: '' }>;
  /** Every progress bar, per file and for the whole list. */
  Progress?: ComponentType<UploadProgressProps>;
}

/** How the styled components are dressed: extra classes per part, swapped components, or none of upkit's classes. */
export interface UploaderSlotProps {
  /** A class per part, added to (or, with `unstyled`, instead of) upkit's own: Tailwind, CSS modules. */
  classNames?: Partial<Record<UploaderPart, string>>;
  components?: UploaderComponents;
  /** Leaves out upkit's classes, so `upkit/styles.css` styles nothing and `classNames` do it all. @default false */
  unstyled?: boolean;
}

interface Slots {
  /** The class names of a part, plus `extra` (a component's own `className` prop). */
  cx(part: UploaderPart, extra?: string): string | undefined;
  Button: NonNullable<UploaderComponents['Button']> | 'button';
  Progress: ComponentType<UploadProgressProps>;
}

function DefaultProgress({ value, className, ...props }: UploadProgressProps) {
  const { cx } = useSlots();
  return (
    <div className={className} {...props}>
      <div className={cx('indicator')} style={{ inlineSize: `${value}%` }} />
    </div>
  );
}

function makeSlots({ classNames = {}, components = {}, unstyled = false }: UploaderSlotProps): Slots {
  return {
    cx: (part, extra) =>
      [unstyled ? '' : BUILT_IN[part], classNames[part], extra].filter(Boolean).join(' ') || undefined,
    Button: components.Button ?? 'button',
    Progress: components.Progress ?? DefaultProgress,
  };
}

const SlotsContext = createContext<Slots>(makeSlots({}));

/** The slots in effect: those of the nearest `UploaderSlots`, or upkit's own. */
export function useSlots(): Slots {
  return useContext(SlotsContext);
}

/**
 * Dresses every styled component inside it (`<Uploader>` takes the same props and provides one):
 * wrap a hand-assembled `UploadDropzone` + `UploadList` + `UploadStatusBar` in it.
 */
export function UploaderSlots({
  classNames,
  components,
  unstyled,
  children,
}: UploaderSlotProps & { children?: ReactNode }) {
  // Rows are memoized on the context: an inline `classNames={{…}}` must not re-render every row
  // on each progress tick, so the value changes only when what it holds does.
  const key = JSON.stringify(classNames ?? {});
  const { Button, Progress } = components ?? {};
  const value = useMemo(
    () =>
      makeSlots({
        classNames: JSON.parse(key) as Partial<Record<UploaderPart, string>>,
        components: { ...(Button && { Button }), ...(Progress && { Progress }) },
        unstyled: unstyled === true,
      }),
    [key, Button, Progress, unstyled],
  );
  return createElement(SlotsContext.Provider, { value }, children);
}

/** A button through the `Button` slot. */
export function SlotButton(props: ComponentPropsWithoutRef<'button'> & { 'data-primary'?: '' }) {
  const { Button } = useSlots();
  return <Button type="button" {...props} />;
}
