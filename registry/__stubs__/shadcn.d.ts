// The modules a shadcn/ui project provides and the registry item imports, typed as shadcn's own
// (new-york-v4 `button.tsx` and `progress.tsx`, `lib/utils.ts`), so the item typechecks here
// (`tsc`, tests/package/registry.test.ts) without a shadcn project around it. Not published:
// registry.json lists only the item's own files.

declare module '@/lib/utils' {
  type ClassValue =
    string | number | bigint | boolean | null | undefined | ClassValue[] | Record<string, unknown>;
  /** clsx + tailwind-merge. */
  export function cn(...inputs: ClassValue[]): string;
}

declare module '@/components/ui/button' {
  import type { ComponentProps, JSX } from 'react';
  export function Button(
    props: ComponentProps<'button'> & {
      variant?: 'default' | 'destructive' | 'outline' | 'secondary' | 'ghost' | 'link' | null;
      size?: 'default' | 'sm' | 'lg' | 'icon' | null;
      asChild?: boolean;
    },
  ): JSX.Element;
}

declare module '@/components/ui/progress' {
  import type { ComponentProps, JSX } from 'react';
  /** Radix's Progress.Root props: a div with `value` (null: indeterminate) and `max`. */
  export function Progress(
    props: ComponentProps<'div'> & {
      value?: number | null;
      max?: number;
      getValueLabel?: (value: number, max: number) => string;
    },
  ): JSX.Element;
}
