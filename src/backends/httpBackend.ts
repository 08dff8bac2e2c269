import { onAbort, settleOnAbort } from '../core/abort.js';
import { abortedError, UploadError } from '../core/errors.js';
import { mapBounded } from '../core/mapBounded.js';
import { parseRetryAfter } from '../core/retry.js';
import type {
  BatchOutcome,
  FileDescriptor,
  PresignOptions,
  PresignResult,
  RequestContext,
  UploadBackend,
} from '../core/types.js';
import { UPKIT_PROTOCOL } from '../core/protocol.js';
import { lazyChunk } from '../core/lazyChunk.js';

/** Options for {@link httpBackend}. */
export interface HttpBackendOptions {
  /** Where the endpoints of `docs/protocol.md` live, e.g. `/api/upload`. */
  baseUrl: string;
  /** Static headers sent with every control call (e.g. a CSRF token). */
  headers?: Record<string, string>;
  /** Headers computed per call (e.g. a fresh auth token); merged over `headers`. */
  getHeaders?: () => Record<string, string> | Promise<Record<string, string>>;
  /**
   * `fetch` credentials mode for control calls.
   * @default 'same-origin'
   */
  credentials?: RequestCredentials;
  /**
   * A control call that takes longer than this is aborted and retried.
   * @default 30000
   */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** One control call: the parsed JSON answer and the client-minus-server clock difference. */
export type Call = (
  endpoint: string,
  body: object,
  ctx: RequestContext,
) => Promise<{ json: unknown; skewMs: number }>;

/** The error body every endpoint returns on failure (docs/protocol.md). */
interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}

export function invalid(endpoint: string, what: string): UploadError {
  return new UploadError(
    'invalid-response',
    `The upload backend's ${endpoint} response ${what}. See docs/protocol.md for the expected JSON.`,
  );
}

/** Parses `expiresAt` (ISO 8601 string or epoch ms) into epoch ms on the client's clock. */
function parseExpiry(value: unknown, endpoint: string, skewMs: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw invalid(endpoint, 'has an unreadable "expiresAt"');
  // 1e11 ms is 1973; 1e11 s is the year 5138. A number this small is seconds sent by mistake.
  if (typeof value === 'number' && value < 1e11) {
    throw invalid(endpoint, 'has "expiresAt" in seconds; send epoch milliseconds or an ISO 8601 string');
  }
  return ms + skewMs;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseHeaders(value: unknown, endpoint: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw invalid(endpoint, 'has "headers" that are not an object of strings');
  }
  return value as Record<string, string>;
}

export function parseRequest(value: unknown, endpoint: string, skewMs: number) {
  if (!isRecord(value) || typeof value.url !== 'string') throw invalid(endpoint, 'lacks a "url" string');
  if (value.method !== undefined && value.method !== 'PUT') {
    throw invalid(endpoint, `asks for method ${String(value.method)}; only PUT is supported`);
  }
  const headers = parseHeaders(value.headers, endpoint);
  const expiresAt = parseExpiry(value.expiresAt, endpoint, skewMs);
  return {
    url: value.url,
    method: 'PUT' as const,
    ...(headers ? { headers } : {}),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

/** A failed call's (or batch entry's) answer as the error the file shows. */
function backendError(
  endpoint: string,
  status: number,
  json: unknown,
  cause: unknown,
  retryAfterMs: number | undefined,
): UploadError {
  const error = (json as ErrorBody | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const message = typeof error?.message === 'string' ? error.message : undefined;
  return new UploadError(
    'backend-error',
    message ?? `The upload backend answered ${endpoint} with HTTP ${status}.`,
    {
      status,
      cause,
      ...(code === undefined ? {} : { serverCode: code }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}

function parsePresign(json: unknown, endpoint: string, skewMs: number): PresignResult {
  const request = parseRequest(json, endpoint, skewMs);
  const { key, token } = json as Record<string, unknown>;
  if (typeof key !== 'string') throw invalid(endpoint, 'lacks a "key" string');
  return { ...request, key, ...(typeof token === 'string' ? { token } : {}) };
}

/** `run` over `items`, at most `limit` at a time, each outcome (value or error) in order. */
function settleBounded<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<BatchOutcome<R>[]> {
  return mapBounded(items, limit, (item) =>
    run(item).then(
      (value): BatchOutcome<R> => ({ ok: true, value }),
      (error: unknown): BatchOutcome<R> => ({ ok: false, error }),
    ),
  );
}

/**
 * A backend that speaks upkit's JSON protocol (`docs/protocol.md`) over `fetch`. The seven
 * endpoints can be implemented in any language.
 *
 * @example
 * const backend = httpBackend({ baseUrl: '/api/upload', getHeaders: async () => ({ authorization: `Bearer ${await token()}` }) })
 */
export function httpBackend<TResult = unknown>(options: HttpBackendOptions): UploadBackend<TResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;

  /** POSTs JSON and returns the parsed answer plus the client-minus-server clock difference. */
  async function call(
    endpoint: string,
    body: object,
    { signal }: RequestContext,
  ): Promise<{ json: unknown; skewMs: number }> {
    const doFetch = options.fetch ?? globalThis.fetch;
    // The timeout covers the whole exchange, from getHeaders (a token refresh can hang too) to
    // the end of the body: a backend that stalls mid-body must not hang the upload.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const unlink = onAbort(signal, () => timeout.abort());
    let response: Response;
    let text: string;
    try {
      const headers = {
        'content-type': 'application/json',
        accept: 'application/json',
        ...options.headers,
        ...(options.getHeaders
          ? await settleOnAbort(timeout.signal, Promise.resolve(options.getHeaders()))
          : {}),
      };
      response = await doFetch(joinUrl(options.baseUrl, endpoint), {
        method: 'POST',
        headers,
        // Every call says which protocol it speaks, so a server of another version refuses it
        // clearly instead of misreading it (docs/protocol.md, Versions).
        body: JSON.stringify({ protocol: UPKIT_PROTOCOL, ...body }),
        credentials: options.credentials ?? 'same-origin',
        signal: timeout.signal,
      });
      // Raced against the timeout too: not every fetch aborts a body that is already streaming.
      text = await settleOnAbort(timeout.signal, response.text());
    } catch (error) {
      if (signal.aborted) throw abortedError();
      if (timeout.signal.aborted) {
        throw new UploadError(
          'timeout',
          `The upload backend did not answer ${endpoint} within ${timeoutMs / 1000} s.`,
          { cause: error },
        );
      }
      throw new UploadError(
        'network',
        `Could not reach the upload backend at ${options.baseUrl}. Check the connection.`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
      unlink();
    }
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        if (response.ok) throw invalid(endpoint, 'is not JSON');
      }
    }
    if (!response.ok) {
      throw backendError(
        endpoint,
        response.status,
        json,
        text,
        parseRetryAfter(response.headers.get('retry-after')),
      );
    }
    // Expiry times are the server's clock; shift them onto ours so a fast or slow client clock
    // neither re-signs needlessly nor sends URLs it thinks are fresh but are not.
    const serverDate = Date.parse(response.headers.get('date') ?? '');
    const skewMs = Number.isNaN(serverDate) ? 0 : Date.now() - serverDate;
    // Date has one-second resolution: ignore differences that small.
    return { json, skewMs: Math.abs(skewMs) < 2000 ? 0 : skewMs };
  }

  // Cleared for the page's life when a backend answers 404 or 405: it has only the one-file calls.
  const batches = { presign: true, complete: true };

  /**
   * One batch call: each entry answered as its one-file call would be. A backend without the
   * batch endpoint gets the one-file calls instead (4 at a time); one with a smaller batch limit
   * gets the batch in halves.
   */
  async function batch<T>(
    name: 'presign' | 'complete',
    bodies: object[],
    ctx: RequestContext,
    parse: (json: unknown, skewMs: number) => T,
  ): Promise<BatchOutcome<T>[]> {
    const endpoint = `${name}/batch`;
    const oneByOne = () =>
      settleBounded(bodies, 4, async (body) => {
        const { json, skewMs } = await call(name, body, ctx);
        return parse(json, skewMs);
      });
    if (!batches[name]) return oneByOne();
    let answer: { json: unknown; skewMs: number };
    try {
      answer = await call(endpoint, { [name === 'presign' ? 'files' : 'uploads']: bodies }, ctx);
    } catch (error) {
      const { status, serverCode } = error instanceof UploadError ? error : {};
      if (status === 404 || status === 405) {
        batches[name] = false;
        return oneByOne();
      }
      if (status === 413 && serverCode === 'batch-too-large' && bodies.length > 1) {
        const half = Math.ceil(bodies.length / 2);
        return [
          ...(await batch(name, bodies.slice(0, half), ctx, parse)),
          ...(await batch(name, bodies.slice(half), ctx, parse)),
        ];
      }
      throw error;
    }
    const { json, skewMs } = answer;
    if (!isRecord(json) || !Array.isArray(json.results) || json.results.length !== bodies.length) {
      throw invalid(endpoint, 'lacks a "results" array with one entry per file');
    }
    return json.results.map((result: unknown): BatchOutcome<T> => {
      if (!isRecord(result) || !Number.isInteger(result.status)) {
        return { ok: false, error: invalid(endpoint, 'has an entry without an integer "status"') };
      }
      const status = result.status as number;
      if (status < 200 || status > 299) {
        // As a Retry-After header is read: whole seconds, or nothing.
        const retryAfter =
          Number.isSafeInteger(result.retryAfter) && (result.retryAfter as number) >= 0
            ? (result.retryAfter as number) * 1000
            : undefined;
        return { ok: false, error: backendError(name, status, result.body, result.body, retryAfter) };
      }
      try {
        return { ok: true, value: parse(result.body ?? undefined, skewMs) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }

  const loadMultipart = lazyChunk(() => import('./httpMultipart.js'));
  const multipart = () => loadMultipart().then((module) => module.multipartCalls(call));

  const presignBody = (file: FileDescriptor, { checksum, resign }: PresignOptions = {}) => ({
    file,
    ...(checksum ? { checksum } : {}),
    ...(resign ? { resign } : {}),
  });

  return {
    async presign(file, ctx, options): Promise<PresignResult> {
      const { json, skewMs } = await call('presign', presignBody(file, options), ctx);
      return parsePresign(json, 'presign', skewMs);
    },
    async complete(input, ctx) {
      return (await call('complete', input, ctx)).json as TResult;
    },
    presignBatch(requests, ctx) {
      const bodies = requests.map(({ file, ...options }) => presignBody(file, options));
      return batch('presign', bodies, ctx, (json, skewMs) => parsePresign(json, 'presign/batch', skewMs));
    },
    completeBatch(inputs, ctx) {
      return batch('complete', inputs, ctx, (json) => json as TResult);
    },
    // The multipart calls' parsing is a chunk of its own, fetched with the first multipart upload.
    createMultipart: async (file, ctx, plan) => (await multipart()).createMultipart(file, ctx, plan),
    signParts: async (ref, ctx) => (await multipart()).signParts(ref, ctx),
    listParts: async (ref, ctx) => (await multipart()).listParts(ref, ctx),
    completeMultipart: async (ref, ctx) =>
      (await multipart()).completeMultipart(ref, ctx) as Promise<TResult>,
    abortMultipart: async (ref, ctx) => (await multipart()).abortMultipart(ref, ctx),
  };
}
