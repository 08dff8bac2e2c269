import type { UploadEvent } from './config.js';

// Metrics and logs for the `onEvent` stream, on the app's own prom-client and logger: upkit
// imports neither (they are the app's choice and version), it only needs their shapes.

type Labels = Record<string, string>;

/** The parts of `prom-client` that {@link uploadMetrics} uses: pass `import * as client from 'prom-client'`. */
export interface PromClientLike {
  Counter: new (config: { name: string; help: string; labelNames: string[]; registers?: never[] }) => {
    inc(labels: Labels, value?: number): void;
  };
  Histogram: new (config: {
    name: string;
    help: string;
    labelNames: string[];
    buckets: number[];
    registers?: never[];
  }) => { observe(labels: Labels, value: number): void };
}

/** Options of {@link uploadMetrics}. */
export interface UploadMetricsOptions {
  /**
   * The registry the metrics go to (a prom-client `Registry`).
   * @default prom-client's global registry
   */
  registry?: unknown;
  /**
   * Prefix of every metric name.
   * @default 'upkit_'
   */
  prefix?: string;
  /**
   * Histogram buckets for call durations, in seconds.
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  buckets?: number[];
}

/**
 * Prometheus metrics of the handler's events, for `onEvent`: URLs signed and how long signing
 * took (by operation), completions, bytes completed and how long completing took, rejections by
 * operation, status and code, and aborts. No user ids or keys become labels (one series per
 * user would grow without end).
 *
 * @example
 * ```ts
 * import * as client from 'prom-client';
 * const onEvent = uploadMetrics(client);
 * createUploadHandler({ ..., onEvent });
 * // GET /metrics: res.end(await client.register.metrics())
 * ```
 */
export function uploadMetrics(
  client: PromClientLike,
  options: UploadMetricsOptions = {},
): (event: UploadEvent) => void {
  const prefix = options.prefix ?? 'upkit_';
  const buckets = options.buckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const registers = (options.registry === undefined ? {} : { registers: [options.registry] }) as {
    registers?: never[];
  };
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new client.Counter({ name: prefix + name, help, labelNames, ...registers });
  const histogram = (name: string, help: string, labelNames: string[] = []) =>
    new client.Histogram({ name: prefix + name, help, labelNames, buckets, ...registers });

  const signed = counter('signed_total', 'Presigned URL calls answered, by operation.', ['operation']);
  const signSeconds = histogram('sign_duration_seconds', 'Time to answer a signing call.', ['operation']);
  const completed = counter('completed_total', 'Uploads verified and stored at their final key.');
  const completedBytes = counter('completed_bytes_total', 'Bytes of the uploads completed.');
  const completeSeconds = histogram('complete_duration_seconds', 'Time to verify and store an upload.');
  const rejected = counter('rejected_total', 'Calls refused or failed, by operation, status and code.', [
    'operation',
    'status',
    'code',
  ]);
  const aborted = counter('aborted_total', 'Multipart uploads aborted.');

  return (event) => {
    switch (event.type) {
      case 'signed':
        signed.inc({ operation: event.operation });
        signSeconds.observe({ operation: event.operation }, event.ms / 1000);
        break;
      case 'completed':
        completed.inc({});
        completedBytes.inc({}, event.size);
        completeSeconds.observe({}, event.ms / 1000);
        break;
      case 'rejected':
        rejected.inc({ operation: event.operation, status: String(event.status), code: event.code });
        break;
      case 'aborted':
        aborted.inc({});
        break;
    }
  };
}

/** A structured logger such as pino: `(fields, message)` at each level. */
export interface StructuredLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * Logs the handler's events, for `onEvent`: one line per event with its fields (`event`, `userId`,
 * `key`, `operation`, `status`, `code`, `ms`, `size`). Refusals log as `warn`, server and storage
 * failures (5xx) as `error`, the rest as `info`. Events carry no URL, token or header, so nothing
 * signed reaches the log; for the app's own request logs, see {@link uploadLogRedactPaths}.
 */
export function uploadLogger(logger: StructuredLogger): (event: UploadEvent) => void {
  return (event) => {
    const { type, ...fields } = event;
    const line = { event: type, ...fields };
    if (type !== 'rejected') logger.info(line, `upload ${type}`);
    else if (event.status >= 500) logger.error(line, `upload call failed: ${event.code}`);
    else logger.warn(line, `upload call refused: ${event.code}`);
  };
}

/**
 * Paths for pino's `redact` option (`pino({ redact: uploadLogRedactPaths })`) that hide what an
 * app's own request or response logs could leak from upload calls: credentials, presigned URLs
 * (a URL is a bearer credential until it expires), upload tokens and signed headers.
 */
export const uploadLogRedactPaths: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'url',
  'token',
  '*.url',
  '*.token',
  '*.headers',
  'parts[*].url',
  '*.parts[*].url',
];

/** Calls each listener with every event: `onEvent: allEvents(uploadMetrics(client), uploadLogger(log))`. */
export function allEvents(...listeners: Array<(event: UploadEvent) => void>): (event: UploadEvent) => void {
  return (event) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // One failing listener never keeps the event from the others (nor fails the request).
      }
    }
  };
}
