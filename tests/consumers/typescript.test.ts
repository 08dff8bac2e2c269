import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// issue 13: the packed package's types under each moduleResolution an app may use, with
// skipLibCheck off, so upkit's own .d.ts files are checked too. Under node16 and nodenext
// extensionless relative imports in the .d.ts made every upkit type `any` (47 errors with
// skipLibCheck off): the source now imports with `.js` and the build checks with NodeNext.
const work = join(import.meta.dirname, '.work');
const app = join(work, 'ts-app');
mkdirSync(app, { recursive: true });
copyFileSync(join(import.meta.dirname, 'fixtures/typescript/consumer.tsx'), join(app, 'consumer.tsx'));

const settings = {
  bundler: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
  node16: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
  nodenext: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
} as const;

describe('types of the packed package', () => {
  it.each(Object.keys(settings) as Array<keyof typeof settings>)(
    'check with moduleResolution %s and skipLibCheck off',
    (mode) => {
      const program = ts.createProgram([join(app, 'consumer.tsx')], {
        ...settings[mode],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        jsx: ts.JsxEmit.ReactJSX,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
        types: ['node'],
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(problems).toEqual([]);
      // The consumer really read upkit's declarations from the tarball.
      expect(
        program.getSourceFiles().some((f) => f.fileName.includes('.work/node_modules/upkit/dist/types/')),
      ).toBe(true);
    },
    120_000,
  );
});
