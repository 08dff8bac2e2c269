import { RuleFailure, RuleSkip } from './checks.js';
import { createUserClient, type UserClient } from './protocolClient.js';
import type { ConformanceRule, RuleContext, Users } from './rule.js';
import { allRules } from './rules/index.js';
import { fileOf, hasBuiltInSample, sampleHead } from './samples.js';
import { createStorageReader, type StorageReader } from './storageReader.js';
import type { ConformanceOptions, ConformanceReport, RuleResult } from './types.js';

/** The rules {@link runConformance} knows: ids for `only`, and what each checks. */
export const conformanceRules: ReadonlyArray<{ readonly id: string; readonly description: string }> =
  allRules.map(({ id, description }) => ({ id, description }));

const DEFAULT_BUDGET_MS = 60_000;
const CLEANUP_MS = 10_000;

/**
 * Checks a backend against docs/protocol.md: every rule (or `only` those) against `baseUrl`,
 * one after another, with real PUTs of real bytes to the URLs it hands out. Never rejects for a
 * backend's fault: each rule's result says pass, fail (what was expected, what came back) or
 * skip (why it could not run). Rejects only for options it cannot use.
 *
 * The rules upload and complete real files as user A (and a few as B): run it against a test
 * deployment and bucket, never production.
 *
 * @example
 * const report = await runConformance({
 *   baseUrl: 'http://127.0.0.1:3000/api/upload',
 *   users: { a: { authorization: 'Bearer alice' }, b: { authorization: 'Bearer bob' } },
 *   storage: { s3, bucket: 'uploads' },
 * });
 * for (const line of formatReport(report)) console.log(line);
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const rules = selectRules(options);
  const allowedType = options.allowedType ?? 'image/png';
  const head = sampleHead(allowedType, options.sample);
  const storage = options.storage ? await createStorageReader(options.storage) : undefined;
  const timeoutMs = options.timeoutMs ?? 30_000;
  let requests = 0;
  const clientsFor = (signal: AbortSignal) => {
    const setup = {
      baseUrl: options.baseUrl,
      origin: options.origin,
      timeoutMs,
      signal,
      count: () => requests++,
    };
    return {
      a: createUserClient(setup, options.users.a),
      b: createUserClient(setup, options.users.b),
      anonymous: createUserClient(setup, {}),
    };
  };
  const started = Date.now();
  const results: RuleResult[] = [];
  for (const rule of rules) {
    const result = await runRule(rule, {
      clientsFor,
      storage,
      base: {
        allowedType,
        refusedType: options.refusedType ?? 'application/x-msdownload',
        maxFileSize: options.maxFileSize,
        origin: options.origin,
        sniffable: options.sample !== undefined || hasBuiltInSample(allowedType),
        bytes: (size, seed) => fileOf(head, size, seed),
      },
    });
    results.push(result);
    options.onResult?.(result);
  }
  const count = (status: RuleResult['status']) => results.filter((r) => r.status === status).length;
  return {
    baseUrl: options.baseUrl,
    results,
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skip'),
    requests,
    ms: Date.now() - started,
  };
}

function selectRules(options: ConformanceOptions): readonly ConformanceRule[] {
  if (typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) {
    throw new TypeError(
      'runConformance: `baseUrl` must be an http(s) URL, like http://127.0.0.1:3000/api/upload.',
    );
  }
  if (!options.users?.a || !options.users?.b) {
    throw new TypeError(
      'runConformance: `users.a` and `users.b` must be the request headers of two signed-in users.',
    );
  }
  if (!options.only) return allRules;
  const unknown = options.only.filter((id) => !allRules.some((rule) => rule.id === id));
  if (unknown.length > 0) {
    throw new TypeError(`runConformance: unknown rule ids in \`only\`: ${unknown.join(', ')}.`);
  }
  return allRules.filter((rule) => options.only?.includes(rule.id));
}

interface RunSetup {
  clientsFor: (signal: AbortSignal) => Users & { anonymous: UserClient };
  storage: StorageReader | undefined;
  base: Omit<RuleContext, keyof Users | 'anonymous' | 'storage' | 'defer'>;
}

/** One rule within its time budget; then its cleanups, with a fresh budget of their own. */
async function runRule(rule: ConformanceRule, setup: RunSetup): Promise<RuleResult> {
  const controller = new AbortController();
  const cleanups: Array<(users: Users) => Promise<unknown>> = [];
  const ctx: RuleContext = {
    ...setup.base,
    ...setup.clientsFor(controller.signal),
    storage: setup.storage,
    defer: (cleanup) => cleanups.push(cleanup),
  };
  const budgetMs = rule.budgetMs ?? DEFAULT_BUDGET_MS;
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new RuleFailure(`did not finish within ${budgetMs} ms`));
    }, budgetMs);
  });
  let outcome: Pick<RuleResult, 'status' | 'reason'>;
  try {
    const note = await Promise.race([rule.run(ctx), deadline]);
    outcome = { status: 'pass', reason: note || 'as expected' };
  } catch (error) {
    outcome =
      error instanceof RuleSkip
        ? { status: 'skip', reason: error.message }
        : error instanceof RuleFailure
          ? { status: 'fail', reason: error.message }
          : { status: 'fail', reason: `the rule could not finish: ${describeError(error)}` };
  } finally {
    clearTimeout(timer);
  }
  // Best effort, newest first: a failed cleanup is the backend's business, not the rule's result.
  const cleanupClients = setup.clientsFor(AbortSignal.timeout(CLEANUP_MS));
  for (const cleanup of cleanups.reverse()) await cleanup(cleanupClients).catch(() => undefined);
  return { id: rule.id, description: rule.description, ...outcome, ms: Date.now() - started };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'a request timed out (timeoutMs)';
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}
