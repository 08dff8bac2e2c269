import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// issue 12: where light-dark() is missing (Safari before 17.5, Chrome before 123, Firefox
// before 120), styles.css gives the same colours from an @supports fallback. Every pair must be
// in it, on both sides, or such browsers would lose that colour.

const css = readFileSync(join(import.meta.dirname, '../../src/styled/styles.css'), 'utf8');
const declarations = (text: string) =>
  Object.fromEntries([...text.matchAll(/(--upkit-[a-z-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2]!.trim()]));

it('repeats every light-dark() colour, light and dark, for browsers without it', () => {
  const pairs = [...css.matchAll(/(--upkit-[a-z-]+):\s*light-dark\((#[0-9a-f]+),\s*(#[0-9a-f]+)\)/g)];
  expect(pairs.length).toBeGreaterThanOrEqual(9);
  const fallback = css.slice(css.indexOf('@supports not (color: light-dark('));
  const [light = '', systemDark = '', themeDark = ''] = fallback.split(
    /@media \(prefers-color-scheme: dark\)|\.upkit\[data-theme='dark'\] \{/,
  );
  for (const [, name, lightValue, darkValue] of pairs) {
    expect(declarations(light)[name!], `${name} light`).toBe(lightValue);
    expect(declarations(systemDark)[name!], `${name} system dark`).toBe(darkValue);
    expect(declarations(themeDark)[name!], `${name} theme dark`).toBe(darkValue);
  }
});
