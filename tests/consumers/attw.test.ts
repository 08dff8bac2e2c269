import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// issue 13: @arethetypeswrong/cli on the packed tarball, every entry but the stylesheet. The
// profile is node16 with require(esm) allowed: upkit is ESM only, and its engines (Node >= 20.19)
// require() it (require.test.ts proves it; attw cannot see a missing `default`).
const work = join(import.meta.dirname, '.work');
const root = join(import.meta.dirname, '../..');

interface Problem {
  kind: string;
  entrypoint: string;
  resolutionKind?: string;
}

it('finds no problem in any resolution mode upkit supports', () => {
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz')) ?? '';
  let output: string;
  let exitCode = 0;
  try {
    output = execFileSync(
      join(root, 'node_modules/.bin/attw'),
      [
        join(work, tarball),
        ...['--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm'],
        ...['--exclude-entrypoints', './styles.css', '--format', 'json'],
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
    );
  } catch (error) {
    exitCode = (error as { status?: number }).status ?? -1;
    output = (error as { stdout?: string }).stdout ?? '';
  }
  // The JSON lists every problem; the profile decides which fail: node10 (no exports map
  // support) and a CommonJS importer reaching ESM (require(esm)) are outside what upkit supports.
  const { problems } = JSON.parse(output) as { problems: Record<string, Problem[]> };
  const unexpected = Object.values(problems)
    .flat()
    .filter((problem) => problem.resolutionKind !== 'node10' && problem.kind !== 'CJSResolvesToESM');
  expect(unexpected).toEqual([]);
  expect(exitCode).toBe(0);
}, 150_000);
