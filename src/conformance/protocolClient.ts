import { UPKIT_PROTOCOL } from '../core/protocol.js';

/** A backend's answer, read once and kept whole. */
export interface Reply {
  /** `POST <path>` as called, for messages. */
  call: string;
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body; `undefined` when it is empty or not JSON (see `isJson`). */
  json: unknown;
  isJson: boolean;
}

/** Storage's answer to a PUT. */
export interface PutReply {
  status: number;
  etag: string | null;
  text: string;
}

/** How a control call is sent. */
export interface CallOptions {
  /** Request `content-type`; `null` sends none. @default 'application/json' */
  contentType?: string | null;
  /** The body as is, instead of `JSON.stringify(body)`. */
  raw?: string;
  /** @default 'POST' */
  method?: string;
  /** Extra headers, applied last. */
  headers?: Record<string, string>;
}

/** One user's view of the backend: control calls with their headers, PUTs to storage. */
export interface UserClient {
  call(path: string, body?: unknown, options?: CallOptions): Promise<Reply>;
  put(url: string, bytes: Uint8Array, headers?: Record<string, string>): Promise<PutReply>;
}

interface ClientSetup {
  baseUrl: string;
  origin: string | undefined;
  timeoutMs: number;
  /** Aborts everything the rule still has in flight when its time is up. */
  signal: AbortSignal;
  /** Counts every request made. */
  count: () => void;
}

/** A client that sends `userHeaders` (the anonymous user: `{}`) on every control call. */
export function createUserClient(setup: ClientSetup, userHeaders: Record<string, string>): UserClient {
  const base = setup.baseUrl.replace(/\/+$/, '');
  const signal = () => AbortSignal.any([setup.signal, AbortSignal.timeout(setup.timeoutMs)]);
  return {
    async call(path, body, options = {}) {
      const method = options.method ?? 'POST';
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
      if (setup.origin) headers.origin = setup.origin;
      Object.assign(headers, userHeaders, options.headers);
      // As upkit's client does: every JSON object body names the protocol version it speaks.
      const versioned =
        typeof body === 'object' && body !== null && !Array.isArray(body) && !('protocol' in body)
          ? { protocol: UPKIT_PROTOCOL, ...body }
          : body;
      const payload = options.raw ?? (versioned === undefined ? undefined : JSON.stringify(versioned));
      setup.count();
      const response = await fetch(`${base}/${path}`, {
        method,
        headers,
        // Bytes, not a string: a string body would make fetch add `text/plain` by itself.
        ...(payload === undefined || method === 'GET' ? {} : { body: new TextEncoder().encode(payload) }),
        signal: signal(),
      });
      const text = await response.text();
      const parsed = parseJson(text);
      return {
        call: `${method} ${path}`,
        status: response.status,
        headers: response.headers,
        text,
        ...parsed,
      };
    },
    async put(url, bytes, headers = {}) {
      // As a browser sends it: `Host` and `Content-Length` come from the request itself.
      const sent = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !['host', 'content-length'].includes(name.toLowerCase())),
      );
      setup.count();
      const response = await fetch(url, {
        method: 'PUT',
        headers: sent,
        body: bytes as Uint8Array<ArrayBuffer>,
        signal: signal(),
      });
      return { status: response.status, etag: response.headers.get('etag'), text: await response.text() };
    },
  };
}

function parseJson(text: string): { json: unknown; isJson: boolean } {
  if (text.trim() === '') return { json: undefined, isJson: false };
  try {
    return { json: JSON.parse(text) as unknown, isJson: true };
  } catch {
    return { json: undefined, isJson: false };
  }
}
