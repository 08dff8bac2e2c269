import { fireEvent, render, screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patternedFile } from '../helpers/memoryStorage';
import { createUploadMocks } from '../../src/msw/index';
import { AvatarUpload } from './readmeExample';

const root = join(import.meta.dirname, '../..');
const STORAGE = 'https://storage.test/bucket';
const protocol = createUploadMocks({ storageUrl: STORAGE });
const server = setupServer(...protocol.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('README example', () => {
  it('is the code this test runs, verbatim', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /<!-- example: tests\/react\/readmeExample\.tsx -->\s*```tsx\n([\s\S]*?)```/.exec(
      readme,
    )?.[1];
    expect(block).toBe(readFileSync(join(import.meta.dirname, 'readmeExample.tsx'), 'utf8'));
  });

  it('uploads an image, refuses a text file, and retries a failed upload', async () => {
    render(<AvatarUpload />);
    const input = screen.getByLabelText('Choose images');

    fireEvent.change(input, { target: { files: [patternedFile(5000, 'me.png', 'image/png')] } });
    await screen.findByText(/me\.png: done 100%/);

    fireEvent.change(input, { target: { files: [patternedFile(10, 'notes.txt', 'text/plain')] } });
    await screen.findByText(/notes\.txt: error 0%.*not an accepted type/);

    let failures = 1;
    server.use(
      http.put(`${STORAGE}/*`, () => {
        if (failures-- > 0)
          return new HttpResponse('<Error><Code>AccessDenied</Code></Error>', { status: 403 });
        return undefined;
      }),
    );
    fireEvent.change(input, { target: { files: [patternedFile(10, 'cat.png', 'image/png')] } });
    fireEvent.click(await screen.findByRole('button', { name: 'Retry' }));
    await screen.findByText(/cat\.png: done 100%/);
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });
});
