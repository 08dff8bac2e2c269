import { everyOf, expectOkObject, expectRefused, fail, headerOf, is2xx, isRecord } from '../checks.js';
import { createUpload, descriptor, readPresigned, tokenField, type FileDescriptor } from '../flows.js';
import type { ConformanceRule, RuleContext } from '../rule.js';

const GiB = 1024 ** 3;
const TiB = 1024 * GiB;

/** A call that must be refused; if it opened an upload anyway, the upload is aborted after the rule. */
async function refusedCall(
  ctx: RuleContext,
  path: string,
  body: unknown,
  statuses: readonly number[],
  what: string,
) {
  const reply = await ctx.a.call(path, body);
  if (is2xx(reply.status) && isRecord(reply.json) && typeof reply.json.uploadId === 'string') {
    const opened = {
      uploadId: reply.json.uploadId,
      key: reply.json.key,
      ...tokenField(reply.json.token as string | undefined),
    };
    ctx.defer((users) => users.a.call('multipart/abort', opened));
  }
  return expectRefused(reply, statuses, what);
}

/** The same refusal from `presign` and `multipart/create`. */
const refusedOnBoth = (ctx: RuleContext, file: FileDescriptor, statuses: readonly number[], what: string) => [
  () => refusedCall(ctx, 'presign', { file }, statuses, `presign ${what}`),
  () =>
    refusedCall(
      ctx,
      'multipart/create',
      { file, partSize: 5 * 1024 * 1024 },
      statuses,
      `multipart/create ${what}`,
    ),
];

const printable = (text: string) => JSON.stringify(text);

/** What the client declares (size, type, part numbers) is checked before anything is signed. */
export const declarationRules: ConformanceRule[] = [
  {
    id: 'file-too-large',
    description:
      "presign and multipart/create answer 413 to a size one byte over the limit (maxFileSize, else S3's 5 GiB / 5 TiB)",
    async run(ctx) {
      const limit = ctx.maxFileSize;
      const single = Math.min(limit ?? 5 * GiB, 5 * GiB) + 1;
      const multipart = Math.min(limit ?? 5 * TiB, 5 * TiB) + 1;
      await everyOf([
        () =>
          refusedCall(
            ctx,
            'presign',
            { file: descriptor(single, ctx.allowedType) },
            [413],
            `presign of ${single} bytes`,
          ),
        () =>
          refusedCall(
            ctx,
            'multipart/create',
            { file: descriptor(multipart, ctx.allowedType), partSize: 5 * 1024 * 1024 },
            [413],
            `multipart/create of ${multipart} bytes`,
          ),
      ]);
      return limit === undefined ? "no maxFileSize given: checked against S3's limits" : undefined;
    },
  },
  {
    id: 'type-refused',
    description: 'presign and multipart/create answer 415 to the refused type',
    async run(ctx) {
      await everyOf(
        refusedOnBoth(ctx, descriptor(2048, ctx.refusedType, 'setup.exe'), [415], `of ${ctx.refusedType}`),
      );
    },
  },
  {
    id: 'type-list-refused',
    description:
      'a declared type that is a list ("image/png, text/html") is refused (400 or 415), nothing signed',
    async run(ctx) {
      const t = ctx.allowedType;
      const lists = [`${t}, text/html`, `${t},text/html`, `${t};,text/html`];
      await everyOf(
        lists.flatMap((type) =>
          refusedOnBoth(ctx, descriptor(2048, type), [400, 415], `of type ${printable(type)}`),
        ),
      );
    },
  },
  {
    id: 'type-control-refused',
    description:
      'a declared type with control characters (NUL, VT, CR LF, ESC, DEL) is refused (400 or 415), nothing signed',
    async run(ctx) {
      const t = ctx.allowedType;
      const types = [
        `${t}\u0000`,
        `${t}\u000b`,
        `${t}\r\nContent-Disposition: inline`,
        `${t}\u001b`,
        `${t}\u007f`,
      ];
      await everyOf(
        types.flatMap((type) =>
          refusedOnBoth(ctx, descriptor(2048, type), [400, 415], `of type ${printable(type)}`),
        ),
      );
    },
  },
  {
    id: 'type-signed-as-essence',
    description:
      'the signed Content-Type is the lower-case essence of the declared type; with case and parameters, that or a refusal',
    async run(ctx) {
      const essence = ctx.allowedType.toLowerCase();
      const check = async (type: string) => {
        const reply = await ctx.a.call('presign', { file: descriptor(2048, type) });
        if (!is2xx(reply.status) && type !== ctx.allowedType)
          return expectRefused(reply, [400, 415], `presign of ${printable(type)}`);
        const signed = headerOf(readPresigned(expectOkObject(reply), 'presign').headers, 'content-type');
        if (signed !== essence)
          fail(
            `presign of ${printable(type)}: expected Content-Type "${essence}" in headers, got ${printable(signed ?? '(none)')}`,
          );
        return reply;
      };
      await everyOf(
        [ctx.allowedType, `${ctx.allowedType.toUpperCase()}; name="x.html"`].map((type) => () => check(type)),
      );
    },
  },
  {
    id: 'part-number-range',
    description: 'multipart/sign-parts answers 400 to part numbers beyond the file (and 0 or fractions)',
    async run(ctx) {
      // 4,096 bytes are one part whatever the part size.
      const { session } = await createUpload(ctx, 'a', descriptor(4096, ctx.allowedType));
      await everyOf(
        [[2], [0], [1.5], [10_001]].map(
          (partNumbers) => async () =>
            expectRefused(
              await ctx.a.call('multipart/sign-parts', { ...session, partNumbers }),
              [400],
              `sign-parts of part ${partNumbers[0]} of a one-part upload`,
            ),
        ),
      );
    },
  },
];
