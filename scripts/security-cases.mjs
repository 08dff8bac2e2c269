// Rewrites the case list at the end of docs/security.md ("Every case, by file") from Vitest's JSON
// report, so the document names every hostile case the suite runs:
//   npm run docs:security
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const DOC = 'docs/security.md';
const MARKER = 'Every case, by file (`tests/e2e/`):';
const report = JSON.parse(readFileSync('reports/vitest.json', 'utf8'));

const files = report.testResults
  .map((result) => ({ path: relative('tests/e2e', result.name), cases: result.assertionResults }))
  .filter(({ path }) => /^(security|robustness)\//.test(path))
  .sort((a, b) => a.path.localeCompare(b.path));
if (files.length === 0) throw new Error('The report holds no tests/e2e/security or robustness results.');
const failed = files.flatMap((f) => f.cases).filter((c) => c.status !== 'passed');
if (failed.length > 0) throw new Error(`${failed.length} cases did not pass; list passing suites only.`);

const sections = files.map(({ path, cases }) =>
  [
    `<details><summary><code>${path}</code> (${cases.length} cases)</summary>`,
    '',
    ...cases.map((c) => `- ${[...c.ancestorTitles, c.title].join(': ')}`),
    '',
    '</details>',
  ].join('\n'),
);
const total = files.reduce((sum, f) => sum + f.cases.length, 0);

const doc = readFileSync(DOC, 'utf8');
const at = doc.indexOf(MARKER);
if (at < 0) throw new Error(`${DOC} has no "${MARKER}" line.`);
const head = doc.slice(0, at);
writeFileSync(DOC, `${head}${MARKER} ${total} cases.\n\n${sections.join('\n\n')}\n`);
console.log(`${DOC}: ${total} cases in ${files.length} files`);
