// Fails the build when dist/ holds code that must not ship: development JSX (built with
// NODE_ENV=test or development, as a build started from inside Vitest inherits), which imports
// react/jsx-dev-runtime and embeds this machine's absolute source paths.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Problems in the built modules under `dir`, one line each; empty when it can ship. */
export function checkDist(dir) {
  const problems = [];
  const visit = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.js')) {
        const code = readFileSync(path, 'utf8');
        const name = relative(dir, path);
        if (/react\/jsx-dev-runtime|_jsxFileName/.test(code)) {
          problems.push(`${name} has development JSX: build with NODE_ENV unset or production`);
        }
      }
    }
  };
  visit(dir);
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkDist(join(import.meta.dirname, '../dist'));
  for (const problem of problems) console.error(`dist/${problem}`);
  if (problems.length > 0) process.exit(1);
}
