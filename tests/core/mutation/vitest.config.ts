import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../../vite.config';

// The unit project narrowed to tests/core for Stryker (stryker.config.mjs). One jsdom shared by
// all files (isolate: false) makes a mutant's run about four times faster; the core tests pass
// either way, and `npm test` keeps running them isolated.
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  resolve: base.resolve,
  test: {
    environment: 'jsdom',
    include: ['tests/core/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    isolate: false,
  },
});
