import { HttpError } from './httpError.js';
import { parseMediaType } from './mediaType.js';
import { UPKIT_MIN_PROTOCOL, UPKIT_PROTOCOL } from '../core/protocol.js';

/** Limits on a control call's body. */
export interface BodyLimits {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** How long the whole body may take to arrive, in ms. */
  timeoutMs: number;
}

/** A body over its cap; also a batch entry over the cap of its one-file call. */
export const tooLarge = () =>
  new HttpError(413, 'body-too-large', 'The request body is too large for an upload control call.');

/**
 * Control calls must be JSON. A cross-site form can POST `text/plain`,
 * `application/x-www-form-urlencoded` or `multipart/form-data` without a CORS preflight, so
 * anything but `application/json` is refused before the user is even looked up.
 */
export function assertJsonRequest(request: Request): void {
  const type = parseMediaType(request.headers.get('content-type') ?? '');
  if (type !== 'application/json') {
    throw new HttpError(
      415,
      'unsupported-media-type',
      'Upload control calls must be sent as JSON (Content-Type: application/json).',
    );
  }
}

/**
 * Reads a JSON object body within a size cap and a deadline: a declared `Content-Length` over
 * the cap is refused unread, a stream is cut off at the cap, a body that stops arriving is a 408,
 * and a stream that breaks (the client went away) is a 400.
 */
export async function readJsonBody(request: Request, limits: BodyLimits): Promise<Record<string, unknown>> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limits.maxBytes) throw tooLarge();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new HttpError(408, 'request-timeout', 'The request body took too long to arrive.')),
        limits.timeoutMs,
      );
    });
    try {
      for (;;) {
        const { done, value } = await Promise.race([reader.read(), deadline]);
        if (done) break;
        size += value.byteLength;
        if (size > limits.maxBytes) throw tooLarge();
        chunks.push(value);
      }
    } catch (error) {
      reader.cancel().catch(() => undefined);
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, 'bad-request', 'The request body could not be read.');
    } finally {
      clearTimeout(timer);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  // JSON.parse of a body nested a million deep blocks the event loop for 100 ms or more, for
  // every user; the protocol's bodies nest five deep at most.
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
    throw new HttpError(
      400,
      'bad-request',
      `The request body nests deeper than ${MAX_JSON_DEPTH} levels; upload calls never do.`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new HttpError(400, 'bad-request', 'The request body must be JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'bad-request', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** Deepest nesting of arrays and objects a control call or a storage event may have. */
export const MAX_JSON_DEPTH = 32;

/** True when the JSON text's arrays and objects (outside strings) nest deeper than `max`. */
export function nestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // a backslash escapes the next byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > max) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return false;
}

/**
 * Refuses a call in a protocol version this server does not speak, saying which side to
 * upgrade (docs/protocol.md, Versions). No `protocol`: a client from before the field, version 1.
 */
export function checkProtocol(body: Record<string, unknown>): void {
  const version = body.protocol ?? 1;
  if (typeof version !== 'number' || !Number.isSafeInteger(version)) {
    throw new HttpError(400, 'bad-request', '"protocol" must be an integer (docs/protocol.md).');
  }
  if (version < UPKIT_MIN_PROTOCOL) {
    throw new HttpError(
      400,
      'protocol-too-old',
      `This page's upload client is too old for the server (protocol ${version}; the server needs ${UPKIT_MIN_PROTOCOL} to ${UPKIT_PROTOCOL}). Reload the page; if it persists, the app must upgrade upkit.`,
    );
  }
  if (version > UPKIT_PROTOCOL) {
    throw new HttpError(
      400,
      'protocol-too-new',
      `This page's upload client is newer than the server (protocol ${version}; the server speaks ${UPKIT_MIN_PROTOCOL} to ${UPKIT_PROTOCOL}). The app must upgrade upkit/server.`,
    );
  }
}
