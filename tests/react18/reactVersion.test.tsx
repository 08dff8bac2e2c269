import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { version } from 'react';
import { version as domVersion } from 'react-dom';
import { Virtualizer } from 'virtua';
import { afterEach, expect, inject, it, vi } from 'vitest';
import { usePresignedUpload } from '../../src/react/usePresignedUpload';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The React a project runs on instead of the repo's own devDependency (vite.config.ts). */
    reactVersion?: string;
  }
}

// The react18 project swaps React by aliases alone; if one slipped, its tests would pass on 19.
const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
const expected = inject('reactVersion') ?? pkg.devDependencies.react;

afterEach(() => {
  vi.unstubAllGlobals();
});

it('runs on the React its project names, react-dom included', () => {
  expect(version).toBe(expected);
  expect(domVersion).toBe(expected);
});

it('shares that one React with react-query, virtua and upkit', () => {
  // virtua observes its scroller's size; jsdom has no ResizeObserver.
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
  // Each of these calls hooks: one on another copy of React throws "Invalid hook call".
  function Probe() {
    const client = useQueryClient();
    const { status } = usePresignedUpload({ endpoint: '/api/upload', queryClient: client });
    return (
      <>
        <p>{`${version} ${status}`}</p>
        <Virtualizer data={['row']}>{(row: string) => <span key={row}>{row}</span>}</Virtualizer>
      </>
    );
  }
  render(
    <QueryClientProvider client={new QueryClient()}>
      <Probe />
    </QueryClientProvider>,
  );
  expect(screen.getByText(`${expected} idle`)).toBeTruthy();
});
