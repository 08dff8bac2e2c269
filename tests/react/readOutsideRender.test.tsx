import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { setupServer } from 'msw/node';
import type { ReactNode } from 'react';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUploadMocks } from '../../src/msw/index';
import { usePresignedUpload } from '../../src/react/usePresignedUpload';

// Found writing a consumer's test (issue 13): with renderHook, `result.current.items` read only in
// a waitFor stayed at the last render's value (empty), since no render had read `items`: the
// hook re-renders for what its renders read, and the getter returned that render's snapshot.
const mocks = createUploadMocks();
const server = setupServer(...mocks.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const wrapper = ({ children }: { children: ReactNode }) => (
  <QueryClientProvider client={new QueryClient()}>{children}</QueryClientProvider>
);

it('result.current.items and status are current when read outside render', async () => {
  const { result } = renderHook(() => usePresignedUpload({ endpoint: '/api/upload' }), { wrapper });
  await act(() => result.current.upload([new File(['hello'], 'a.txt', { type: 'text/plain' })]));
  await waitFor(() => expect(result.current.items[0]?.status).toBe('done'));
  expect(result.current.status).toBe('done');
  // And from then on it is tracked: later changes re-render the hook.
  await act(() => result.current.remove(result.current.items[0]?.id ?? ''));
  await waitFor(() => expect(result.current.items).toHaveLength(0));
});
