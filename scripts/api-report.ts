// The public API of every package entry as API Extractor sees it in the built .d.ts, one report per
// entry in api/ (api/upkit.api.md, api/upkit-react.api.md, ...), committed so a review shows how a
// change moves the surface. Run after `npm run build`:
//   npx tsx scripts/api-report.ts           rewrites the reports (what `npm run api:report` does)
//   npx tsx scripts/api-report.ts --check   writes nothing; exit 1 and a diff when a report is stale
// tests/package/apiReport.test.ts runs the check in CI.
import {
  CompilerState,
  ConsoleMessageId,
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  type ExtractorMessage,
  type IConfigFile,
} from '@microsoft/api-extractor';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const reportFolder = join(root, 'api');
const suffix = '.api.md';

/** One public entry of package.json "exports", with the .d.ts its `types` condition names. */
export interface ApiEntry {
  /** The specifier users import: `upkit`, `upkit/react`, ... */
  name: string;
  /** Absolute path of the entry's built declarations. */
  types: string;
  /** Report file name without `.api.md`: `upkit`, `upkit-react`, ... */
  reportName: string;
}

/** What one entry's report did: unchanged, or changed (with API Extractor's diff when it had one). */
export interface ApiReportResult {
  entry: string;
  report: string;
  changed: boolean;
  /** A unified diff of committed -> generated; absent when the committed report is missing. */
  diff?: string;
}

/** Everything one run found. */
export interface ApiReportRun {
  results: ApiReportResult[];
  /** Reports in api/ that no entry produces any more (deleted in update mode). */
  stale: string[];
  /** Compiler and extractor warnings or errors: the analysis itself is in doubt. */
  problems: string[];
}

/** Every entry of package.json "exports" that has types, in the order package.json lists them. */
export function apiEntries(): ApiEntry[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { types?: string }>;
  };
  return Object.entries(manifest.exports).flatMap(([subpath, target]) => {
    if (typeof target === 'string' || !target.types) return [];
    const name = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    return [{ name, types: join(root, target.types), reportName: name.replaceAll('/', '-') }];
  });
}

function configFor(entry: ApiEntry, entries: ApiEntry[], tempFolder: string): ExtractorConfig {
  const configObject: IConfigFile = {
    projectFolder: root,
    mainEntryPointFilePath: entry.types,
    compiler: {
      // The options tsconfig.build.json emitted the .d.ts with; the program holds every entry so one
      // analysis serves all six invocations. skipLibCheck as in tsconfig.json: dependencies' own
      // typings are not ours to check (tsc checked our sources when it emitted the .d.ts).
      overrideTsconfig: {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files: entries.map((each) => each.types),
      },
    },
    apiReport: {
      enabled: true,
      reportFileName: entry.reportName,
      reportFolder,
      reportTempFolder: tempFolder,
      // A type reachable from the API but not exported (ae-forgotten-export) is part of the surface
      // all the same: print its declaration in the report rather than a warning about it.
      includeForgottenExports: true,
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    newlineKind: 'lf',
    messages: {
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
      extractorMessageReporting: {
        default: { logLevel: ExtractorLogLevel.Warning },
        // We use no release tags (@public, @beta, ...): everything exported is public.
        'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
        // Printed in the report instead (includeForgottenExports above).
        'ae-forgotten-export': { logLevel: ExtractorLogLevel.None },
        // tests/package/tsdoc.test.ts owns the doc comments; the report is about signatures.
        'ae-undocumented': { logLevel: ExtractorLogLevel.None },
        // API Extractor sees one entry as one package, so a {@link} from upkit/react to
        // createUploader (exported by upkit) reads as broken when it is not.
        'ae-unresolved-link': { logLevel: ExtractorLogLevel.None },
      },
      // TSDoc syntax too (API Extractor's dialect also lacks the @default tag every option carries).
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
    },
  };
  const packageJsonFullPath = join(root, 'package.json');
  const packageJson = JSON.parse(readFileSync(packageJsonFullPath, 'utf8')) as { name: string };
  const config = ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: undefined,
    packageJsonFullPath,
    packageJson,
  });
  // The report's title names the package; API Extractor takes one entry for a whole package and
  // rejects `upkit/react` as a package name while preparing, so the title is renamed afterwards.
  packageJson.name = entry.name;
  return config;
}

/** Runs API Extractor over every entry: `check` compares only; otherwise reports are rewritten. */
export function runApiReports({ check }: { check: boolean }): ApiReportRun {
  const entries = apiEntries();
  const missing = entries.filter((entry) => !existsSync(entry.types));
  if (missing.length > 0) {
    const paths = missing.map((entry) => relative(root, entry.types)).join(', ');
    throw new Error(`${paths} not found: run \`npm run build\` first.`);
  }
  if (!check) mkdirSync(reportFolder, { recursive: true });
  const tempFolder = mkdtempSync(join(tmpdir(), 'upkit-api-'));
  const results: ApiReportResult[] = [];
  const problems: string[] = [];
  try {
    let compilerState: CompilerState | undefined;
    for (const entry of entries) {
      const config = configFor(entry, entries, tempFolder);
      compilerState ??= CompilerState.create(config);
      let diff: string | undefined;
      const result = Extractor.invoke(config, {
        localBuild: !check,
        compilerState,
        printApiReportDiff: check,
        messageCallback(message: ExtractorMessage) {
          message.handled = true;
          if (message.messageId === ConsoleMessageId.ApiReportDiff) diff = message.text;
          // Console warnings are the tool's own narration ("You have changed the API signature",
          // "Please copy the file ..."): the summary says that once for all entries.
          else if (message.logLevel === ExtractorLogLevel.None) return;
          else if (message.category !== 'console' || message.logLevel === ExtractorLogLevel.Error)
            problems.push(`${entry.name}: ${message.formatMessageWithLocation(root)}`);
        },
      });
      results.push({
        entry: entry.name,
        report: relative(root, join(reportFolder, entry.reportName + suffix)),
        changed: result.apiReportChanged,
        ...(diff === undefined ? {} : { diff }),
      });
    }
  } finally {
    rmSync(tempFolder, { recursive: true, force: true });
  }
  const expected = new Set(entries.map((entry) => entry.reportName + suffix));
  const stale = existsSync(reportFolder)
    ? readdirSync(reportFolder).filter((file) => file.endsWith(suffix) && !expected.has(file))
    : [];
  if (!check) for (const file of stale) rmSync(join(reportFolder, file));
  return { results, stale: stale.map((file) => `api/${file}`), problems };
}

/** What went wrong, naming each entry whose report moved and the command to update; else undefined. */
export function describeCheck(run: ApiReportRun): string | undefined {
  const sections = run.results
    .filter((result) => result.changed)
    .map((result) =>
      result.diff
        ? `${result.entry}: public API changed, ${result.report} is out of date.\n${result.diff.trimEnd()}`
        : `${result.entry}: ${result.report} is missing.`,
    );
  for (const file of run.stale) sections.push(`${file}: no package entry produces this report any more.`);
  if (sections.length > 0) sections.push('Run `npm run api:report` and commit api/ with the change.');
  if (run.problems.length > 0)
    sections.push(
      `API Extractor reported problems, so the reports may be wrong:\n${run.problems.join('\n')}`,
    );
  return sections.length > 0 ? sections.join('\n\n') : undefined;
}

function main(): void {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const started = performance.now();
  let run: ApiReportRun;
  try {
    run = runApiReports({ check: values.check });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const entries = `${run.results.length} entries, ${seconds} s`;
  if (values.check) {
    const failure = describeCheck(run);
    if (failure) console.error(failure);
    else console.log(`API reports up to date (${entries}).`);
    process.exitCode = failure ? 1 : 0;
    return;
  }
  const updated = run.results.filter((result) => result.changed).map((result) => result.report);
  for (const file of run.stale) console.log(`Removed ${file}.`);
  console.log(
    updated.length > 0
      ? `Updated ${updated.join(', ')} (${entries}).`
      : `API reports unchanged (${entries}).`,
  );
  if (run.problems.length > 0) {
    console.error(describeCheck({ results: [], stale: [], problems: run.problems }));
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
