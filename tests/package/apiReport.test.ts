// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { apiEntries, describeCheck, runApiReports } from '../../scripts/api-report';

// dist/ is built by the project's global setup (tests/consumers/globalSetup.ts). The reports in
// api/ are the public surface as reviewed: a change to it must carry its report in the same commit.
describe('API reports', () => {
  it('reads the entries from package.json "exports"', () => {
    expect(apiEntries().map((entry) => entry.name)).toEqual(
      expect.arrayContaining([
        'upkit',
        'upkit/react',
        'upkit/server',
        'upkit/conformance',
        'upkit/msw',
        'upkit/styled',
      ]),
    );
  });

  // One TypeScript program serves all six entries: about 5 s idle, more on a busy machine.
  it('match the committed api/*.api.md (update: npm run api:report)', () => {
    const failure = describeCheck(runApiReports({ check: true }));
    if (failure) expect.fail(failure);
  }, 180_000);
});
