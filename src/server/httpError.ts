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
  | 'batch-too-large'
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
  | 'server-misconfigured'
  | 'protocol-too-old'
  | 'protocol-too-new';

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

/** The protocol's error body, `{ "error": { "code", "message" } }`. */
export function errorBody(error: HttpError): { error: { code: ServerErrorCode; message: string } } {
  return { error: { code: error.code, message: error.message } };
}

export function errorResponse(error: HttpError): Response {
  return json(errorBody(error), error.status, error.headers);
}

/** What an unexpected exception answers: never its message, which can hold internals. */
export function serverError(): HttpError {
  return new HttpError(500, 'server-error', 'The upload server failed. Try again in a moment.');
}
