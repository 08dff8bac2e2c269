import { everyOf, expectError, expectRefused, fail, skip } from '../checks.js';
import { createUpload, descriptor, uploaded } from '../flows.js';
import type { Reply } from '../protocolClient.js';
import type { ConformanceRule } from '../rule.js';

/** Authentication, request format and routing: the errors every call can get. */
export const errorRules: ConformanceRule[] = [
  {
    id: 'unauthenticated',
    description: 'every endpoint answers 401 with { error: { code, message } } to a call without credentials',
    async run(ctx) {
      const { body: completion, file } = await uploaded(ctx, ctx.a);
      const { session } = await createUpload(ctx, 'a', descriptor(4096, ctx.allowedType));
      const calls: Array<[string, unknown]> = [
        ['presign', { file }],
        ['complete', completion],
        ['multipart/create', { file, partSize: 5 * 1024 * 1024 }],
        ['multipart/sign-parts', { ...session, partNumbers: [1] }],
        ['multipart/list-parts', session],
        ['multipart/complete', { ...session, parts: [{ partNumber: 1, etag: '"0"' }], file }],
        ['multipart/abort', session],
        ['presign/batch', { files: [{ file }] }],
        ['complete/batch', { uploads: [completion] }],
      ];
      await everyOf(
        calls.map(([path, body]) => async () => {
          const reply = await ctx.anonymous.call(path, body);
          // A backend without the batch endpoints answers their paths 404.
          if (path.endsWith('/batch') && (reply.status === 404 || reply.status === 405)) return;
          expectRefused(reply, [401], `${path} without credentials`);
        }),
      );
    },
  },
  {
    id: 'json-only',
    description:
      'a body sent as text/plain, a form, multipart/form-data or without a type gets 415 (cross-site forms cannot send JSON)',
    async run(ctx) {
      const raw = JSON.stringify({ file: descriptor(2048, ctx.allowedType) });
      const types = [
        'text/plain;charset=UTF-8',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        null,
      ];
      await everyOf(
        types.map(
          (contentType) => async () =>
            expectRefused(
              await ctx.a.call('presign', undefined, { raw, contentType }),
              [415],
              `presign sent as ${contentType ?? 'no content type'}`,
            ),
        ),
      );
    },
  },
  {
    id: 'nested-json',
    description:
      'a body nested 100,000 deep gets 400 (or 413), not a 5xx: parsing it must neither fail nor stall the server',
    async run(ctx) {
      const raw = `{"parts":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      const reply = await ctx.a.call('multipart/complete', undefined, { raw });
      expectRefused(reply, [400, 413], 'multipart/complete with a body nested 100,000 deep');
      return `${reply.status}`;
    },
  },
  {
    id: 'malformed-json',
    description: 'a body that is not JSON, not an object, or misses required fields gets 400',
    async run(ctx) {
      const bodies = [
        ['cut-off JSON', '{"file": {"name": "a.png",'],
        ['a JSON array', '[]'],
        ['no "file"', '{}'],
        ['a string size', JSON.stringify({ file: { name: 'a.png', size: '12', type: ctx.allowedType } })],
      ];
      await everyOf(
        bodies.map(
          ([what, raw]) =>
            async () =>
              expectRefused(await ctx.a.call('presign', undefined, { raw }), [400], `presign with ${what}`),
        ),
      );
    },
  },
  {
    id: 'protocol-version',
    description:
      'a call in a protocol version the backend does not speak gets 400 protocol-too-new or protocol-too-old, not a misread answer',
    async run(ctx) {
      const file = descriptor(2048, ctx.allowedType);
      for (const [protocol, code] of [
        [999, 'protocol-too-new'],
        [0, 'protocol-too-old'],
      ] as const) {
        const reply = expectError(
          await ctx.a.call('presign', { protocol, file }),
          [400],
          `presign in protocol ${protocol}`,
        );
        const answered = (reply.json as { error: { code: string } }).error.code;
        if (answered !== code)
          fail(`presign in protocol ${protocol}: expected error code ${code}, got ${answered}`);
      }
    },
  },
  {
    id: 'unknown-path',
    description: 'an unknown path under the base URL gets 404 with the error body',
    async run(ctx) {
      await everyOf(
        ['conformance-no-such-endpoint', 'multipart/conformance-unknown', 'PRESIGN'].map(
          (path) => async () => expectError(await ctx.a.call(path, {}), [404], `POST ${path}`),
        ),
      );
    },
  },
  {
    id: 'post-only',
    description: 'a GET of an endpoint is refused (404 or 405), never answered with a signed URL',
    async run(ctx) {
      expectRefused(
        await ctx.a.call('presign', undefined, { method: 'GET', contentType: null }),
        [404, 405],
        'GET presign',
      );
    },
  },
  {
    id: 'foreign-origin',
    description: "a call from another Origin than the app's gets 403 (runs when an origin is given)",
    async run(ctx) {
      if (!ctx.origin)
        skip("no origin given: pass the app's origin (--origin) to check that others are refused");
      const reply: Reply = await ctx.a.call(
        'presign',
        { file: descriptor(2048, ctx.allowedType) },
        { headers: { origin: 'https://conformance-foreign.invalid' } },
      );
      expectRefused(reply, [403], 'presign from Origin https://conformance-foreign.invalid');
    },
  },
];
