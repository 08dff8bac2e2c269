import type { PutReply, Reply } from './protocolClient.js';

/** A rule's expectation that the backend did not meet; the message is the reason shown. */
export class RuleFailure extends Error {
  override readonly name = 'RuleFailure';
}

/** A rule that cannot run against this backend or with these options; the message says why. */
export class RuleSkip extends Error {
  override readonly name = 'RuleSkip';
}

/** Ends the rule as failed; `reason` says what was expected and what came back. */
export function fail(reason: string): never {
  throw new RuleFailure(reason);
}

/** Ends the rule as skipped; `reason` says why it could not run. */
export function skip(reason: string): never {
  throw new RuleSkip(reason);
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, single-line account of what came back, for reasons. */
export function shown(reply: Reply | PutReply): string {
  const text = reply.text.replace(/\s+/g, ' ').trim();
  const body = text === '' ? '(empty body)' : text.length > 160 ? `${text.slice(0, 159)}…` : text;
  return `${reply.status} ${body}`;
}

/** Success, as the client counts it: any 2xx. */
export const is2xx = (status: number) => status >= 200 && status < 300;

/** A 2xx answer, or the rule fails with what came back. */
export function expectOk(reply: Reply, what = reply.call): Reply {
  if (!is2xx(reply.status)) fail(`${what}: expected 2xx, got ${shown(reply)}`);
  return reply;
}

/** A 2xx answer with a JSON object body. */
export function expectOkObject(reply: Reply, what = reply.call): Record<string, unknown> {
  expectOk(reply, what);
  if (!isRecord(reply.json)) fail(`${what}: expected a JSON object, got ${shown(reply)}`);
  return reply.json;
}

/** A 2xx answer whose body is JSON or empty, as `complete` may answer. */
export function expectOkJsonOrEmpty(reply: Reply, what = reply.call): void {
  expectOk(reply, what);
  if (reply.text.trim() !== '' && !reply.isJson) {
    fail(`${what}: expected a JSON (or empty) body, got ${shown(reply)}`);
  }
}

/** `{ error: { code, message } }` with non-empty strings, or the reason it is not. */
export function errorShapeProblem(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return 'no { "error": { "code", "message" } } body';
  const { code, message } = body.error;
  if (typeof code !== 'string' || code === '') return '"error.code" is not a non-empty string';
  if (typeof message !== 'string' || message === '') return '"error.message" is not a non-empty string';
  return undefined;
}

/** An error answer with one of `statuses` and the protocol's error body. */
export function expectError(reply: Reply, statuses: readonly number[], what = reply.call): Reply {
  const wanted = statuses.join(' or ');
  if (!statuses.includes(reply.status)) fail(`${what}: expected ${wanted}, got ${shown(reply)}`);
  const problem = errorShapeProblem(reply.json);
  if (problem)
    fail(`${what}: expected ${wanted} with { error: { code, message } }, got ${problem}: ${shown(reply)}`);
  return reply;
}

/** A refusal: a 4xx with the error body, and nothing signed in it. */
export function expectRefused(reply: Reply, statuses: readonly number[], what = reply.call): Reply {
  if (is2xx(reply.status)) fail(`${what}: expected ${statuses.join(' or ')}, got success ${shown(reply)}`);
  expectError(reply, statuses, what);
  if (/https?:\/\//.test(reply.text) && /X-Amz-Signature|Signature=/i.test(reply.text)) {
    fail(`${what}: expected nothing signed, got a signed URL in the refusal: ${shown(reply)}`);
  }
  return reply;
}

/** A header's value in a `headers` object, whatever its case. */
export function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

/** Why an `expiresAt` is not one the client can read, or `undefined` when it is. */
export function expiresAtProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `expected expiresAt as ISO 8601 or epoch milliseconds, got ${value}`;
    if (value < 1e11)
      return `expected expiresAt in epoch milliseconds (or ISO 8601), got ${value}: epoch seconds?`;
    return undefined;
  }
  if (typeof value === 'string') {
    // ISO 8601 date-time with a zone, as `Date.parse` reads it everywhere.
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
    if (!iso.test(value) || Number.isNaN(Date.parse(value))) {
      return `expected expiresAt as an ISO 8601 date-time (or epoch ms), got "${value}"`;
    }
    return undefined;
  }
  return `expected expiresAt as an ISO 8601 string or epoch milliseconds, got ${JSON.stringify(value)}`;
}

/** A presigned request as the client reads it (docs/protocol.md, "Presigned request objects"). */
export interface PresignedRequest {
  url: string;
  headers: Record<string, string>;
  expiresAt: unknown;
}

/** Checks the presigned request fields of `value`; the rule fails on the first problem. */
export function readPresignedRequest(value: Record<string, unknown>, what: string): PresignedRequest {
  const { url, method, headers, expiresAt } = value;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url))
    fail(`${what}: expected "url" to be an http(s) URL, got ${JSON.stringify(url)}`);
  if (method !== undefined && method !== 'PUT')
    fail(`${what}: expected "method" "PUT" or none, got ${JSON.stringify(method)}`);
  if (headers !== undefined) {
    if (!isRecord(headers))
      fail(
        `${what}: expected "headers" to be an object of strings (or absent), got ${JSON.stringify(headers)}`,
      );
    const bad = Object.entries(headers).find(([, v]) => typeof v !== 'string');
    if (bad) fail(`${what}: expected header "${bad[0]}" to be a string, got ${JSON.stringify(bad[1])}`);
  }
  const problem = expiresAtProblem(expiresAt);
  if (problem) fail(`${what}: ${problem}`);
  return { url, headers: (headers ?? {}) as Record<string, string>, expiresAt };
}

/** JSON with sorted keys, to compare answers whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** An ETag without its quotes or weak prefix, to compare. */
export const bareEtag = (etag: string | null | undefined) =>
  (etag ?? '').replace(/^W\//, '').replace(/"/g, '');

/** Runs every check, one after another, and fails with all their reasons together. */
export async function everyOf(checks: ReadonlyArray<() => Promise<unknown>>): Promise<void> {
  const problems: string[] = [];
  for (const check of checks) {
    try {
      await check();
    } catch (error) {
      if (!(error instanceof RuleFailure)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) fail(problems.join('; '));
}
