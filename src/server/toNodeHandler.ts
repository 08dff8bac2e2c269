import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { rememberClientAddress } from './clientAddress.js';
import { errorResponse, HttpError } from './httpError.js';

/** Options of {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /**
   * Largest `Content-Length` accepted before the handler runs, in bytes. The handler caps each
   * operation's body on its own (64 KiB; 1 MiB for `multipart/complete` and the batches).
   * @default 1 MiB
   */
  maxBodyBytes?: number;
}

/** What Express and other frameworks add to Node's request. */
type FrameworkRequest = IncomingMessage & { originalUrl?: string; body?: unknown };

/**
 * Adapts a Fetch-API handler to Node's `http` module and Express:
 * `app.post('/api/upload/*op', toNodeHandler(handler))` or
 * `http.createServer(toNodeHandler(handler))`. It never rejects and never leaves a request
 * unanswered: a method Fetch cannot represent gets 405, a request line or `Host` that makes no
 * URL gets 400, a body the client stops sending ends quietly.
 */
export function toNodeHandler(
  handler: (request: Request) => Promise<Response>,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  return async (req, res) => {
    // A socket that breaks mid-body emits 'error': without a listener, that ends the process.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    try {
      await send(res, req, await respond(handler, req as FrameworkRequest, maxBodyBytes), maxBodyBytes);
    } catch {
      // Writing failed (the client left): nothing is owed to anyone.
      res.destroy();
    }
  };
}

async function respond(
  handler: (request: Request) => Promise<Response>,
  req: FrameworkRequest,
  maxBodyBytes: number,
): Promise<Response> {
  // Fetch refuses TRACE, TRACK and CONNECT outright, and the protocol is POST only.
  if (req.method !== 'POST') {
    return errorResponse(new HttpError(405, 'method-not-allowed', 'Use POST.', { allow: 'POST' }));
  }
  const declared = Number(req.headers['content-length']);
  if (declared > maxBodyBytes) {
    return errorResponse(new HttpError(413, 'body-too-large', 'The request body is too large.'));
  }
  const target = req.originalUrl ?? req.url ?? '/';
  if (isAmbiguousPath(target)) {
    return errorResponse(
      new HttpError(400, 'bad-request', 'The request path must not hold dot segments or backslashes.'),
    );
  }
  let request: Request;
  try {
    const url = new URL(target, `http://${req.headers.host ?? 'localhost'}`);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
      else if (value !== undefined) headers.set(name, value);
    }
    request = new Request(url, { method: 'POST', headers, body: bodyOf(req), duplex: 'half' } as RequestInit);
  } catch {
    return errorResponse(new HttpError(400, 'bad-request', 'The request line or headers are malformed.'));
  }
  rememberClientAddress(request, req.socket?.remoteAddress);
  return handler(request);
}

/**
 * A path the URL parser would rewrite: dot segments (also percent-encoded) and backslashes are
 * resolved by `new URL`, but a router in front (Express) matched the raw path, so per-path
 * middleware (`app.use('/api/upload/multipart', block)`) could be walked around.
 */
function isAmbiguousPath(target: string): boolean {
  const path = target.split(/[?#]/, 1)[0] ?? '';
  return path.includes('\\') || /(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path);
}

/** The body as a stream, or as JSON again when a body parser (`express.json()`) already read it. */
function bodyOf(req: FrameworkRequest): BodyInit {
  if (req.readableEnded && req.body !== undefined) {
    return typeof req.body === 'string' || req.body instanceof Uint8Array
      ? (req.body as string | Uint8Array<ArrayBuffer>)
      : JSON.stringify(req.body);
  }
  return Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
}

async function send(
  res: ServerResponse,
  req: IncomingMessage,
  response: Response,
  maxBodyBytes: number,
): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = Object.fromEntries(response.headers);
  if (!req.complete) {
    // A body refused before anyone read it (413 on its declared length). Closing at once would
    // have the kernel reset the connection on the bytes still arriving, and the client would lose
    // its answer for a "connection reset": a body up to 4 times the cap is read to its end and
    // dropped, and the connection stays usable. A bigger or unknown one closes it, and so does a
    // body the handler's stream holds (a refusal after authorize): resuming under that stream,
    // paused at its high-water mark, would leave the connection stuck behind the rest.
    const declared = Number(req.headers['content-length']);
    const unread = req.listenerCount('data') === 0 && !req.destroyed;
    if (unread && Number.isSafeInteger(declared) && declared <= 4 * maxBodyBytes) req.resume();
    else headers.connection = 'close';
  }
  res.writeHead(response.status, headers);
  res.end(body);
}
