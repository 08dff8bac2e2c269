// Mutation testing of the engine core: `npm run mutation`. Not run in CI (a run takes a while);
// docs/mutation.md has the score and what the surviving mutants are.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['src/core/**/*.ts'],
  // Only tests/core, in jsdom: the e2e, storybook and bench-ui projects need MinIO or a browser.
  vitest: { configFile: 'tests/core/mutation/vitest.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // One test runner by default; pass --concurrency 2 or more where cores are free.
  concurrency: 1,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  ignorePatterns: ['dist', 'reports', 'bench', 'demo', 'stories', 'public', 'docs', 'tests/e2e'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 75, break: null },
};
