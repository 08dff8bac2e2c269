import { afterEach, expect, it, vi } from 'vitest';
import { canChecksum } from '../../../src/core/checksum';

afterEach(() => {
  vi.unstubAllGlobals();
});

it('can checksum where Web Crypto has subtle.digest', () => {
  expect(canChecksum()).toBe(true);
});

it('cannot checksum without crypto, or without crypto.subtle (an http page)', () => {
  vi.stubGlobal('crypto', undefined);
  expect(canChecksum()).toBe(false);
  vi.stubGlobal('crypto', { getRandomValues: () => undefined });
  expect(canChecksum()).toBe(false);
});
