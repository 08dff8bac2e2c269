// @vitest-environment node
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const entries = [
  'src/index.ts',
  'src/react.ts',
  'src/server/index.ts',
  'src/conformance/index.ts',
  'src/msw/index.ts',
  'src/styled/index.ts',
];

function entryProgram(): ts.Program {
  return ts.createProgram(
    entries.map((e) => join(root, e)),
    {
      strict: true,
      jsx: ts.JsxEmit.ReactJSX,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      module: ts.ModuleKind.ESNext,
      noEmit: true,
    },
  );
}

/** Public exports (after following re-exports) that carry no TSDoc comment. */
function undocumentedExports(program: ts.Program): string[] {
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  for (const entry of entries) {
    const source = program.getSourceFile(join(root, entry));
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`cannot read ${entry}`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (symbol.getDocumentationComment(checker).length === 0) missing.push(`${entry}: ${exported.name}`);
    }
  }
  return missing;
}

/** Properties of exported `*Options` types with no doc comment. */
function undocumentedOptions(program: ts.Program): string[] {
  const checker = program.getTypeChecker();
  const missing = new Set<string>();
  for (const entry of entries) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(join(root, entry))!)!;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      if (!exported.name.endsWith('Options')) continue;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      const members = type.isUnion() ? type.types.flatMap((t) => t.getProperties()) : type.getProperties();
      for (const property of members) {
        const documented =
          property.getDocumentationComment(checker).length > 0 || property.getJsDocTags(checker).length > 0;
        if (!documented) missing.add(`${exported.name}.${property.name}`);
      }
    }
  }
  return [...missing];
}

describe('documentation', () => {
  // Building the program takes seconds, more on a busy machine: once, with a hook's own timeout,
  // so neither test can fail from load.
  let program: ts.Program;
  beforeAll(() => {
    program = entryProgram();
  }, 120_000);

  it('gives every public export a TSDoc comment', () => {
    expect(undocumentedExports(program)).toEqual([]);
  });

  it('documents every option', () => {
    expect(undocumentedOptions(program)).toEqual([]);
  });
});
