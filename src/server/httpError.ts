/** Error codes `upkit/server` answers with, in `{ "error": { "code", "message" } }`. */
export type ServerErrorCode =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'unsupported-media-type'
  | 'forbidden-origin'
  | 'body-too-large'
  | 'request-timeout'
  | 'completing'
  | 'key-taken'
  | 'invalid-part'
  | 'file-too-large'
  | 'file-too-small'
  | 'file-type-not-allowed'
  | 'content-mismatch'
  | 'size-mismatch'
  | 'rate-limited'
  | 'storage-error'
  | 'server-error'
  | 'server-misconfigured';

/** An error that becomes a JSON response. Messages are shown to end users: write them for people. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: ServerErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A JSON response with no-store caching: signed URLs must never sit in a cache. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

export function errorResponse(error: HttpError): Response {
  return json({ error: { code: error.code, message: error.message } }, error.status, error.headers);
}
