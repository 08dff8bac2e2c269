import {
  Agent,
  createServer,
  request as forward,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

// An HTTP proxy in front of MinIO that answers some of the browser's presigned PUTs with the
// failures storage and networks really produce. Everything else, the server's own SDK calls
// and CORS preflights included, is forwarded unchanged and streamed both ways, Host header and
// all: SigV4 signs the Host the client saw, so MinIO must receive the proxy's.

/** A failure the proxy can answer a presigned PUT with. */
export type FaultKind = 'status-500' | 'slow-down-503' | 'reset' | 'stall' | 'expired-403';

export const FAULT_KINDS: readonly FaultKind[] = [
  'status-500',
  'slow-down-503',
  'reset',
  'stall',
  'expired-403',
];

export interface FaultPlan {
  /** Share of presigned PUTs answered with a fault, from 0 to 1. */
  fraction: number;
  /**
   * Seed of the PRNG that picks the PUTs and their faults.
   * @default 1
   */
  seed?: number;
  /** @default every kind */
  kinds?: readonly FaultKind[];
  /**
   * At most this many stalls: each holds a request slot until the client's stall watchdog fires.
   * @default Infinity
   */
  maxStalls?: number;
  /**
   * At most this many faults in a row for one part or object, so a run stays inside the
   * client's retry budget (5 retries) whatever order the requests arrive in.
   * @default Infinity
   */
  maxInARow?: number;
}

/** One request as the proxy saw it. */
export interface ProxyRecord {
  id: number;
  method: string;
  /** Path without the query: `/bucket/pending/uploads/...`. */
  path: string;
  partNumber: number | undefined;
  uploadId: string | undefined;
  /** A presigned URL (the query is signed), as opposed to an SDK call with `Authorization`. */
  presigned: boolean;
  /** The request's `Content-Length`: a single PUT's is its file's size. */
  contentLength: number | undefined;
  fault: FaultKind | undefined;
  startedAt: number;
  /** When the answer was sent or the connection ended. */
  endedAt: number | undefined;
  /** The status sent back (MinIO's or the fault's); `undefined` when no answer was sent. */
  status: number | undefined;
  /** Who ended a request that got no answer: the client going away, or the proxy. */
  endedBy: 'client' | 'proxy' | undefined;
  bytesIn: number;
  /**
   * The whole body was handed on to MinIO. With no status, the client went away while MinIO was
   * answering: the part may be stored although nobody saw the 200.
   */
  bodyForwarded: boolean;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`, to give the demo as its storage endpoint. */
  url: string;
  /** Every request, in arrival order. */
  records: ProxyRecord[];
  /** Replaces the fault plan (and restarts its PRNG); `{ fraction: 0 }` forwards everything. */
  configure(plan: FaultPlan): void;
  close(): Promise<void>;
}

/** A key for "the same part or object": retries of one PUT share it. */
export function targetOf(record: ProxyRecord): string {
  return record.partNumber === undefined ? record.path : `${record.path}#${record.partNumber}`;
}

// Small, seedable, and good enough to spread faults (mulberry32).
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STALL_CAP_MS = 60_000;
// Bytes read before a reset; a smaller body is reset after its first chunk.
const RESET_AFTER_BYTES = 64 * 1024;

// The CORS headers MinIO itself sends (it exposes Retry-After as well as ETag): without them
// the browser hides the status and body, and the fault would look like a network error.
const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'ETag, Retry-After' };

function s3Error(path: string, code: string, message: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message><Resource>${path}</Resource>` +
    '<RequestId>FAULTPROXY</RequestId></Error>'
  );
}

const STATUS_FAULTS = {
  'status-500': {
    status: 500,
    code: 'InternalError',
    message: 'We encountered an internal error. Please try again.',
    headers: {},
  },
  'slow-down-503': {
    status: 503,
    code: 'SlowDown',
    message: 'Please reduce your request rate.',
    headers: { 'Retry-After': '1' },
  },
  'expired-403': { status: 403, code: 'AccessDenied', message: 'Request has expired', headers: {} },
} as const;

/** Starts the proxy on 127.0.0.1 in front of `target` (MinIO's endpoint). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const records: ProxyRecord[] = [];
  let plan: Required<FaultPlan> = { fraction: 0, seed: 1, kinds: FAULT_KINDS, maxStalls: 0, maxInARow: 0 };
  let random = prng(1);
  let bag: FaultKind[] = [];
  let stalls = 0;
  const inARow = new Map<string, number>();
  const held = new Set<IncomingMessage>();

  // Kinds come out of a shuffled bag, refilled when empty: random order, yet every kind
  // appears within each `kinds.length` faults.
  function nextKind(): FaultKind | undefined {
    const kinds = plan.kinds.filter((kind) => kind !== 'stall' || stalls < plan.maxStalls);
    if (kinds.length === 0) return undefined;
    bag = bag.filter((kind) => kinds.includes(kind));
    if (bag.length === 0) {
      bag = [...kinds];
      for (let i = bag.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [bag[i], bag[j]] = [bag[j]!, bag[i]!];
      }
    }
    return bag.pop();
  }

  function chooseFault(record: ProxyRecord): FaultKind | undefined {
    if (!record.presigned || record.method !== 'PUT') return undefined;
    const target = targetOf(record);
    const run = inARow.get(target) ?? 0;
    const kind = random() < plan.fraction && run < plan.maxInARow ? nextKind() : undefined;
    inARow.set(target, kind ? run + 1 : 0);
    if (kind === 'stall') stalls++;
    return kind;
  }

  function answer(
    record: ProxyRecord,
    req: IncomingMessage,
    res: ServerResponse,
    kind: keyof typeof STATUS_FAULTS,
  ) {
    const fault = STATUS_FAULTS[kind];
    // Read the whole body first, as storage does before it answers: the connection stays
    // usable, and the fault is the status alone, not a reset as well.
    req.resume();
    req.once('end', () => {
      record.status = fault.status;
      record.endedAt = Date.now();
      res
        .writeHead(fault.status, {
          'Content-Type': 'application/xml',
          Connection: 'close',
          ...fault.headers,
          ...CORS,
        })
        .end(s3Error(record.path, fault.code, fault.message));
    });
  }

  function reset(record: ProxyRecord, req: IncomingMessage) {
    const limit = Math.min(RESET_AFTER_BYTES, Math.floor((record.contentLength ?? 0) / 2));
    const cut = () => {
      if (record.endedAt !== undefined) return;
      record.endedAt = Date.now();
      record.endedBy = 'proxy';
      // RST, not FIN: what a crashed load balancer or a dropped NAT entry looks like.
      req.socket.resetAndDestroy();
    };
    req.on('data', () => {
      if (record.bytesIn >= limit) cut();
    });
    req.once('end', cut);
  }

  function stall(record: ProxyRecord, req: IncomingMessage) {
    // Stop reading: the client's socket buffer fills, progress events stop, and only its own
    // watchdog can end the request. The cap ends it for a client that has none.
    req.pause();
    held.add(req);
    const timer = setTimeout(() => {
      record.endedBy = 'proxy';
      req.socket.resetAndDestroy();
    }, STALL_CAP_MS);
    req.socket.once('close', () => {
      clearTimeout(timer);
      held.delete(req);
      record.endedAt = Date.now();
      record.endedBy ??= 'client';
    });
  }

  function pass(record: ProxyRecord, req: IncomingMessage, res: ServerResponse) {
    const headers = { ...req.headers };
    // Unsigned by SigV4; MinIO's 100 Continue would only confuse the relay.
    delete headers.expect;
    const out = forward(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      (answered) => {
        record.status = answered.statusCode;
        // Chrome sends a request again by itself, unseen by the page, when a keep-alive
        // connection that already carried one is reset before any answer (net/http's
        // ShouldResendRequest). One presigned request per connection (preflights included)
        // makes every reset reach upkit.
        const answerHeaders: string[] = [];
        for (let i = 0; i + 1 < answered.rawHeaders.length; i += 2) {
          const [name, value] = [answered.rawHeaders[i]!, answered.rawHeaders[i + 1]!];
          if (!(record.presigned && /^(connection|keep-alive)$/i.test(name))) answerHeaders.push(name, value);
        }
        if (record.presigned) answerHeaders.push('Connection', 'close');
        res.writeHead(answered.statusCode ?? 502, answerHeaders);
        answered.pipe(res);
        answered.once('end', () => (record.endedAt = Date.now()));
      },
    );
    out.once('error', () => {
      record.endedAt ??= Date.now();
      res.destroy();
    });
    // The client went away mid-request (a reload, a cancel): MinIO must not keep a half body.
    res.once('close', () => {
      if (res.writableFinished) return;
      record.endedAt ??= Date.now();
      record.endedBy ??= 'client';
      out.destroy();
    });
    out.once('finish', () => (record.bodyForwarded = true));
    req.pipe(out);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const partNumber = url.searchParams.get('partNumber');
    const record: ProxyRecord = {
      id: records.length,
      method: req.method ?? 'GET',
      path: url.pathname,
      partNumber: partNumber === null ? undefined : Number(partNumber),
      uploadId: url.searchParams.get('uploadId') ?? undefined,
      presigned: url.searchParams.has('X-Amz-Signature'),
      contentLength:
        req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']),
      fault: undefined,
      startedAt: Date.now(),
      endedAt: undefined,
      status: undefined,
      endedBy: undefined,
      bytesIn: 0,
      bodyForwarded: false,
    };
    records.push(record);
    req.on('data', (chunk: Buffer) => (record.bytesIn += chunk.length));
    record.fault = chooseFault(record);
    switch (record.fault) {
      case undefined:
        return pass(record, req, res);
      case 'reset':
        return reset(record, req);
      case 'stall':
        return stall(record, req);
      default:
        return answer(record, req, res, record.fault);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    records,
    configure(next) {
      plan = { seed: 1, kinds: FAULT_KINDS, maxStalls: Infinity, maxInARow: Infinity, ...next };
      random = prng(plan.seed);
      bag = [];
      stalls = 0;
      inARow.clear();
    },
    async close() {
      for (const req of held) req.socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
