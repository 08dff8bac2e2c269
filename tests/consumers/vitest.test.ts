import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// issue 13: a user's Vitest suite testing their upload with upkit/msw and the hooks, run by
// Vitest itself against the packed package (no aliases of this repo).
const work = join(import.meta.dirname, '.work');
const app = join(work, 'vitest-app');
const root = join(import.meta.dirname, '../..');
cpSync(join(import.meta.dirname, 'fixtures/vitest-app'), app, { recursive: true });

it('passes a test that uploads through upkit/msw with usePresignedUpload', () => {
  let output: string;
  try {
    output = execFileSync(
      join(root, 'node_modules/.bin/vitest'),
      ['run', '--root', app, '--config', 'vitest.config.mjs'],
      {
        cwd: app,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 150_000,
        env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`the consumer's Vitest run failed:\n${stdout}${stderr}`, { cause: error });
  }
  expect(output).toMatch(/1 passed/);
}, 180_000);
