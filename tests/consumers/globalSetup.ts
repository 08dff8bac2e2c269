import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The package as users meet it: built once (for production), packed with `npm pack`, and unpacked as
// `node_modules/upkit` into tests/consumers/.work, whose other imports (react, typescript)
// resolve from the repo's own node_modules by walking up. Shared by every test of the project.
const root = join(import.meta.dirname, '../..');
export const work = join(root, 'tests/consumers/.work');

export default function setup(): void {
  rmSync(work, { recursive: true, force: true });
  const installed = join(work, 'node_modules/upkit');
  mkdirSync(installed, { recursive: true });
  // `npm pack` builds first (prepack). Vitest runs with NODE_ENV=test, which a child inherits
  // and which makes Vite emit development JSX (jsxDEV, this checkout's absolute paths): the
  // package users get is built for production.
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', installed, '--strip-components=1']);
  // Its own package scope: `upkit` resolves to node_modules/upkit, not to this repo by its name.
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
}
