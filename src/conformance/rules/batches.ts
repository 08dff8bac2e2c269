import {
  canonical,
  errorShapeProblem,
  expectError,
  expectOk,
  expectOkObject,
  fail,
  is2xx,
  isRecord,
  shown,
  skip,
} from '../checks.js';
import { descriptor, putOk, readPresigned, uploaded, type Presigned } from '../flows.js';
import type { Reply } from '../protocolClient.js';
import type { ConformanceRule, RuleContext } from '../rule.js';

/** A batch endpoint's answer; skips the rule when the backend does not offer it (404 or 405). */
async function batch(ctx: RuleContext, path: string, body: unknown): Promise<Reply> {
  const reply = await ctx.a.call(path, body);
  if (reply.status === 404 || reply.status === 405)
    skip(`${path} answered ${reply.status}: not offered (batches are optional)`);
  return reply;
}

interface Result {
  status: number;
  body: unknown;
}

/** `results`: one `{ status, body }` per entry. */
function readResults(reply: Reply, count: number): Result[] {
  const body = expectOkObject(reply);
  const { results } = body;
  if (!Array.isArray(results) || results.length !== count) {
    fail(`${reply.call}: expected "results" with ${count} entries, got ${shown(reply)}`);
  }
  return results.map((result: unknown, index) => {
    if (!isRecord(result) || typeof result.status !== 'number' || !('body' in result)) {
      fail(`${reply.call}: expected result ${index} to be { status, body }, got ${JSON.stringify(result)}`);
    }
    return { status: result.status, body: result.body };
  });
}

function expectEntry(result: Result, statuses: readonly number[] | '2xx', what: string): void {
  const ok = statuses === '2xx' ? is2xx(result.status) : statuses.includes(result.status);
  if (!ok) {
    const wanted = statuses === '2xx' ? '2xx' : statuses.join(' or ');
    fail(`${what}: expected status ${wanted}, got ${result.status} ${JSON.stringify(result.body)}`);
  }
  if (statuses !== '2xx') {
    const problem = errorShapeProblem(result.body);
    if (problem) fail(`${what}: expected the error body, got ${problem}: ${JSON.stringify(result.body)}`);
  }
}

/** The optional batch endpoints. */
export const batchRules: ConformanceRule[] = [
  {
    id: 'presign-batch',
    description:
      'presign/batch answers one { status, body } per entry, in order; refused entries fail no other; the URLs work (404: not offered)',
    async run(ctx) {
      const good = (name: string) => ({ file: descriptor(2048, ctx.allowedType, name) });
      const over = (ctx.maxFileSize ?? 5 * 1024 ** 3) + 1;
      const entries = [
        good('one.png'),
        { file: descriptor(2048, ctx.refusedType, 'setup.exe') },
        good('two.png'),
        { file: descriptor(over, ctx.allowedType, 'huge.png') },
      ];
      const reply = await batch(ctx, 'presign/batch', { files: entries });
      const [first, refused, second, tooLarge] = readResults(reply, 4) as [Result, Result, Result, Result];
      expectEntry(first, '2xx', 'presign/batch result 0 (a good file)');
      expectEntry(refused, [415], `presign/batch result 1 (${ctx.refusedType})`);
      expectEntry(second, '2xx', 'presign/batch result 2 (a good file)');
      expectEntry(tooLarge, [413], `presign/batch result 3 (${over} bytes)`);
      const signed: Presigned[] = [first, second].map((result, i) =>
        isRecord(result.body)
          ? readPresigned(result.body, `presign/batch result ${i * 2}`)
          : fail(
              `presign/batch result ${i * 2}: expected a presign answer, got ${JSON.stringify(result.body)}`,
            ),
      );
      const keys = signed.map((presigned) => presigned.key);
      if (keys[0] === keys[1]) fail(`presign/batch: expected a key per file, got "${keys[0]}" twice`);
      for (const [i, presigned] of signed.entries()) {
        const bytes = ctx.bytes(2048, i + 1);
        const stored = await putOk(
          ctx.a,
          presigned.url,
          bytes,
          presigned.headers,
          `PUT to presign/batch result ${i * 2}`,
        );
        const file = descriptor(2048, ctx.allowedType, i === 0 ? 'one.png' : 'two.png');
        expectOk(
          await ctx.a.call('complete', {
            key: presigned.key,
            token: presigned.token,
            file,
            etag: stored.etag,
          }),
          `complete of presign/batch result ${i * 2}`,
        );
      }
    },
  },
  {
    id: 'complete-batch',
    description:
      'complete/batch answers one result per entry, in order, each as complete would; a refused entry fails no other (404: not offered)',
    async run(ctx) {
      const [one, two] = [await uploaded(ctx, ctx.a, 2048, 1), await uploaded(ctx, ctx.a, 3000, 2)];
      // A key this user was never given, with a real token of another upload.
      const forged = { ...one.body, key: `${one.presigned.key}.forged` };
      const reply = await batch(ctx, 'complete/batch', { uploads: [one.body, forged, two.body] });
      const [first, refused, third] = readResults(reply, 3) as [Result, Result, Result];
      expectEntry(first, '2xx', 'complete/batch result 0');
      expectEntry(refused, [400, 403, 404], 'complete/batch result 1 (a key that was never issued)');
      expectEntry(third, '2xx', 'complete/batch result 2');
      // Each entry is idempotent as the one-file call: complete answers what the batch did.
      const again = await ctx.a.call('complete', one.body);
      if (!is2xx(again.status) || canonical(again.isJson ? again.json : null) !== canonical(first.body)) {
        fail(
          `complete after complete/batch: expected the batch's answer ${JSON.stringify(first.body)}, got ${shown(again)}`,
        );
      }
      if (ctx.storage) {
        for (const { presigned } of [one, two]) {
          if (!(await ctx.storage.exists(presigned.key)))
            fail(`storage: expected an object at "${presigned.key}" after complete/batch, got none`);
        }
      }
    },
  },
  {
    id: 'batch-limit',
    description: 'presign/batch and complete/batch refuse more than 100 entries with 413 (404: not offered)',
    async run(ctx) {
      const file = descriptor(2048, ctx.allowedType, 'many.png');
      const calls = [
        ['presign/batch', { files: Array.from({ length: 101 }, () => ({ file })) }],
        [
          'complete/batch',
          {
            uploads: Array.from({ length: 101 }, (_, i) => ({
              key: `uploads/none/${i}.png`,
              token: 'x',
              file,
            })),
          },
        ],
      ] as const;
      const offered: string[] = [];
      for (const [path, body] of calls) {
        const reply = await ctx.a.call(path, body);
        if (reply.status === 404 || reply.status === 405) continue;
        offered.push(path);
        expectError(reply, [413], `${path} with 101 entries`);
      }
      if (offered.length === 0) skip('presign/batch and complete/batch answered 404 or 405: not offered');
      return `413 from ${offered.join(' and ')}`;
    },
  },
];
