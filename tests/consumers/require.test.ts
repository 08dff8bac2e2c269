import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// issue 13: `require('upkit')` threw ERR_PACKAGE_PATH_NOT_EXPORTED (the exports map had `import`
// only), which broke CommonJS tools. Node >= 20.19 (upkit's engines) can require() an ES module
// when the exports map lets it: every entry has a `default` condition.
const work = join(import.meta.dirname, '.work');
const pkg = JSON.parse(readFileSync(join(work, 'node_modules/upkit/package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
};
const entries = Object.keys(pkg.exports)
  .filter((subpath) => !subpath.endsWith('.css') && subpath !== './package.json')
  .map((subpath) => subpath.replace(/^\./, 'upkit'));

const node = (code: string, type: 'commonjs' | 'module') =>
  execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], {
    cwd: work,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });

describe('the packed package from CommonJS', () => {
  it('covers every entry', () => {
    expect(entries).toEqual([
      'upkit',
      'upkit/react',
      'upkit/server',
      'upkit/conformance',
      'upkit/msw',
      'upkit/styled',
    ]);
  });

  it.each(entries)(
    'require(%j) gives the same exports as import, with no warning',
    (entry) => {
      const required = node(
        `const m = require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== '__esModule' && k !== 'module.exports').sort()))`,
        'commonjs',
      );
      const imported = node(
        `const m = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(m).sort()))`,
        'module',
      );
      expect(JSON.parse(required)).toEqual(JSON.parse(imported));
      expect(JSON.parse(required).length).toBeGreaterThan(0);
    },
    60_000,
  );
});
