import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';

// issue 13: a CommonJS app's Jest suite (babel-jest, jest-fixed-jsdom, set up as README says)
// testing its uploads with upkit/msw and the hooks, run by Jest in its CommonJS mode (no
// --experimental-vm-modules) against the packed package.
//
// It runs in place: the fixture has its own node_modules (its lockfile, installed by
// scripts/ensure-tools.sh), and a copy elsewhere would have to copy or symlink them, which
// Jest resolves back to their real path anyway. Only node_modules/upkit is written, and it is
// gitignored. commonjs.test.js checks nothing resolves from the repo's node_modules above.
const work = join(import.meta.dirname, '.work');
const app = join(import.meta.dirname, 'fixtures/jest-app');
const root = join(import.meta.dirname, '../..');
const install = 'npm ci --prefix tests/consumers/fixtures/jest-app';

type Manifest = {
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const manifest = (path: string) => JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as Manifest;

beforeAll(() => {
  if (!existsSync(join(app, 'node_modules/.bin/jest'))) {
    throw new Error(`tests/consumers/fixtures/jest-app has no node_modules: run \`${install}\``);
  }
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error('globalSetup left no tarball in tests/consumers/.work');
  // A fresh copy each run: nothing of an earlier build may linger.
  const installed = join(app, 'node_modules/upkit');
  rmSync(installed, { recursive: true, force: true });
  mkdirSync(installed);
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', installed, '--strip-components=1']);
});

it("installs upkit's dependencies and peers at the versions upkit pins and this repo tests", () => {
  const fixture = manifest(app);
  const declared = { ...fixture.dependencies, ...fixture.devDependencies };
  // upkit is not in the fixture's package.json, so npm does not install its dependencies: the
  // fixture lists them itself.
  const packed = manifest(join(app, 'node_modules/upkit')).dependencies ?? {};
  expect(Object.keys(packed).length).toBeGreaterThan(0);
  const peers = ['react', 'react-dom', '@tanstack/react-query', 'msw', '@testing-library/react'];
  const tested = manifest(root).devDependencies ?? {};
  const expected = { ...packed, ...Object.fromEntries(peers.map((name) => [name, tested[name]])) };
  for (const [name, version] of Object.entries(expected)) {
    // Both pin exact versions; the name rides along to say which one differs.
    expect({ name, declared: declared[name] }).toEqual({ name, declared: version });
    expect({ name, installed: manifest(join(app, 'node_modules', name)).version }).toEqual({
      name,
      installed: version,
    });
  }
});

it('passes a CommonJS Jest suite that uploads through upkit/msw with the hooks', () => {
  // Jest's CommonJS mode is the one without --experimental-vm-modules, which NODE_OPTIONS could
  // bring from outside.
  const { NODE_OPTIONS: _, ...env } = process.env;
  const run = spawnSync(join(app, 'node_modules/.bin/jest'), ['--ci'], {
    cwd: app,
    encoding: 'utf8',
    timeout: 150_000,
    env: { ...env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  // Jest reports on stderr.
  const output = `${run.stdout}${run.stderr}`;
  if (run.error || run.status !== 0) {
    throw new Error(
      `the consumer's Jest run failed (${run.error?.message ?? `exit ${run.status}`}):\n${output}`,
    );
  }
  // commonjs.test.js is the proof of the module system, of babel-jest and of the packed copy.
  expect(output).toMatch(/PASS \.\/commonjs\.test\.js/);
  expect(output).toMatch(/PASS \.\/upload\.test\.jsx/);
  expect(output).toMatch(/Tests: +3 passed, 3 total/);
  // Node warns on stderr when Jest's ESM mode (vm modules) is on.
  expect(output).not.toMatch(/VM Modules/);
}, 180_000);
