import type { IncomingMessage, ServerResponse } from 'node:http';

/** Options of {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /**
   * Largest control-call body accepted, in bytes (control calls are small JSON).
   * @default 1 MiB
   */
  maxBodyBytes?: number;
}

/**
 * Adapts a Fetch-API handler to Node's `http` module and Express:
 * `app.post('/api/upload/*', toNodeHandler(handler))` or `http.createServer(toNodeHandler(handler))`.
 */
export function toNodeHandler(
  handler: (request: Request) => Promise<Response>,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  return async (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBodyBytes) {
        res
          .writeHead(413, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'bad-request', message: 'The request body is too large.' } }));
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
      else if (value !== undefined) headers.set(name, value);
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const method = req.method ?? 'GET';
    const request = new Request(url, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
    });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };
}
