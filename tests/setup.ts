import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
  // Absent in the node environment (SSR tests).
  globalThis.localStorage?.clear();
});
