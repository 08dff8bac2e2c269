// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// issue 13: a change to the public API (api/*.api.md, checked against the built types by
// apiReport.test.ts) is released on purpose: since the last release (the last commit that moved
// `version` in package.json), any change under api/ needs a pending changeset that bumps upkit by
// at least a minor version (new or changed API is never a patch). `npx changeset` writes one.
const root = join(import.meta.dirname, '../..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

const BUMPS = ['patch', 'minor', 'major'] as const;
type Bump = (typeof BUMPS)[number];

/** The bump each pending changeset asks for upkit (frontmatter `'upkit': minor`). */
function pendingBumps(dir: string): Bump[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md') && name !== 'README.md')
    .flatMap((name) => {
      const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, name), 'utf8'))?.[1] ?? '';
      const bump = /^\s*['"]?upkit['"]?\s*:\s*(patch|minor|major)\s*$/m.exec(front)?.[1];
      return bump ? [bump as Bump] : [];
    });
}

const shallow = git('rev-parse', '--is-shallow-repository') === 'true';

describe('changesets', () => {
  it.skipIf(shallow)('cover every change to the public API since the last release', () => {
    const release = git('log', '-1', '--format=%H', '-G"version":', '--', 'package.json');
    expect(release, 'no commit sets package.json version').toMatch(/^[0-9a-f]{40}$/);
    // Against the working tree, so an uncommitted API change is caught before its commit.
    const changed = git('diff', '--name-only', release, '--', 'api/');
    if (changed === '') return;
    const bumps = pendingBumps(join(root, '.changeset'));
    const highest = Math.max(-1, ...bumps.map((bump) => BUMPS.indexOf(bump)));
    expect(
      highest,
      `api/ changed since ${release.slice(0, 7)} (${changed.split('\n').join(', ')}): ` +
        'run `npx changeset` and choose minor (major for a breaking change once upkit is 1.0)',
    ).toBeGreaterThanOrEqual(BUMPS.indexOf('minor'));
  });

  it('reads the bump of each pending note', () => {
    expect(pendingBumps(join(root, '.changeset')).length).toBe(
      readdirSync(join(root, '.changeset')).filter((n) => n.endsWith('.md') && n !== 'README.md').length,
    );
  });
});
