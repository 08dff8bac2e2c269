import { act, renderHook } from '@testing-library/react';
import { expect, it } from 'vitest';
import { useUpload } from '../../src/react/useUpload';

// A token kept in React state changes between renders: every control call must send the one of
// the latest render, or a refreshed token never reaches the server and its 401 fails the file.

it('sends the headers and getHeaders of the latest render with each control call', async () => {
  const sent: Array<{ path: string; authorization: string | null; tenant: string | null }> = [];
  const fakeFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input), 'http://app.test');
    const headers = new Headers(init?.headers);
    sent.push({
      path: url.pathname.replace('/api/upload/', ''),
      authorization: headers.get('authorization'),
      tenant: headers.get('x-tenant'),
    });
    // One file per call here: each batch holds one entry.
    const body = url.pathname.endsWith('/presign/batch')
      ? {
          results: [
            {
              status: 200,
              body: { url: 'http://storage.test/k', headers: {}, key: `k-${sent.length}`, token: 't' },
            },
          ],
        }
      : { results: [{ status: 200, body: { ok: true } }] };
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  const { result, rerender } = renderHook(
    ({ token, tenant }: { token: string; tenant: string }) =>
      useUpload({
        endpoint: '/api/upload',
        fetch: fakeFetch,
        transport: async () => ({ status: 200, etag: '"e"' }),
        resumeStorage: false,
        checksum: false,
        headers: { authorization: `Bearer ${token}` },
        getHeaders: () => ({ 'x-tenant': tenant }),
      }),
    { initialProps: { token: 'first', tenant: 'acme' } },
  );
  await act(() => result.current.upload([new File(['a'], 'a.txt', { type: 'text/plain' })]));
  rerender({ token: 'refreshed', tenant: 'globex' });
  await act(() => result.current.upload([new File(['b'], 'b.txt', { type: 'text/plain' })]));

  expect(result.current.uploader.store.getState().items.map((item) => item.status)).toEqual(['done', 'done']);
  expect(sent).toEqual([
    { path: 'presign/batch', authorization: 'Bearer first', tenant: 'acme' },
    { path: 'complete/batch', authorization: 'Bearer first', tenant: 'acme' },
    { path: 'presign/batch', authorization: 'Bearer refreshed', tenant: 'globex' },
    { path: 'complete/batch', authorization: 'Bearer refreshed', tenant: 'globex' },
  ]);
});
