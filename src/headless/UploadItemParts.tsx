import { createContext, useContext, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import type { UploadEngine } from '../core/createUploadEngine.js';
import { itemFraction } from '../core/selectors.js';
import type { UploadItem as Item } from '../core/types.js';
import {
  defaultMessages,
  getActionProps,
  getItemProps,
  getProgressProps,
  type ItemAction,
  type UploadMessages,
} from './itemProps.js';

interface ItemContextValue {
  item: Item;
  uploader: UploadEngine;
  messages: UploadMessages;
}

const ItemContext = createContext<ItemContextValue | null>(null);

function useItemContext(part: string): ItemContextValue {
  const context = useContext(ItemContext);
  if (!context) throw new Error(`<Upload.${part}> must be inside <Upload.Item>.`);
  return context;
}

/** Props of `Upload.Item`. */
export interface UploadItemRootProps extends ComponentPropsWithoutRef<'li'> {
  item: Item;
  uploader: UploadEngine;
  /** @default English */
  messages?: UploadMessages;
}

function Root({ item, uploader, messages = defaultMessages, children, ...props }: UploadItemRootProps) {
  return (
    <ItemContext.Provider value={{ item, uploader, messages }}>
      <li {...getItemProps(item, props)}>{children}</li>
    </ItemContext.Provider>
  );
}

/** Props of `Upload.Progress`. */
export type UploadItemProgressProps = ComponentPropsWithoutRef<'div'>;

function Progress(props: UploadItemProgressProps) {
  const { item, messages } = useItemContext('Progress');
  return <div {...getProgressProps(item, props, messages)} />;
}

/** Props of `Upload.Indicator`: the filled part of the bar, its size as a CSS variable. */
export type UploadItemIndicatorProps = ComponentPropsWithoutRef<'div'>;

function Indicator({ style, ...props }: UploadItemIndicatorProps) {
  const { item } = useItemContext('Indicator');
  const percent = Math.round(itemFraction(item) * 100);
  return (
    <div
      data-state={item.status}
      {...props}
      style={{ ...style, ['--upkit-progress' as string]: `${percent}%` }}
    />
  );
}

/** Props of `Upload.Action`. */
export interface UploadItemActionProps extends ComponentPropsWithoutRef<'button'> {
  action: ItemAction;
  /** Defaults to the action's label from `messages`. */
  children?: ReactNode;
}

function Action({ action, children, ...props }: UploadItemActionProps) {
  const { item, uploader, messages } = useItemContext('Action');
  // Text children are the label: the accessible name must contain the visible words (WCAG 2.5.3).
  const label = typeof children === 'string' ? children : messages[action];
  return (
    <button {...getActionProps(uploader, item, action, props, { ...messages, [action]: label })}>
      {children ?? label}
    </button>
  );
}

/** Props of `Upload.Error`. */
export type UploadItemErrorProps = ComponentPropsWithoutRef<'p'>;

// Named ErrorText: `Error` would shadow the global.
function ErrorText(props: UploadItemErrorProps) {
  const { item, messages } = useItemContext('Error');
  if (!item.error) return null;
  return (
    <p data-code={item.error.code} {...props}>
      {props.children ?? messages.errorMessage(item.error, item)}
    </p>
  );
}

/**
 * Compound parts over the item prop getters, in the manner of Radix: `Item` provides the file,
 * `Progress` + `Indicator` render the bar, `Action` renders a button that hides itself when it
 * does not apply, `Error` shows the file's error (nothing when there is none).
 *
 * @example
 * <Upload.Item item={item} uploader={uploader}>
 *   {item.name}
 *   <Upload.Progress><Upload.Indicator /></Upload.Progress>
 *   <Upload.Action action="pause" />
 * </Upload.Item>
 */
export const Upload = { Item: Root, Progress, Indicator, Action, Error: ErrorText };
