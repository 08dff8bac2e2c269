import {
  everyOf,
  expectOk,
  expectOkJsonOrEmpty,
  expectOkObject,
  expectRefused,
  fail,
  isRecord,
  skip,
} from '../checks.js';
import {
  completeMultipartBody,
  createUpload,
  descriptor,
  putParts,
  tokenField,
  uploaded,
  type Session,
} from '../flows.js';
import type { ConformanceRule, RuleContext } from '../rule.js';

const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();

/**
 * `token` with one character changed, at about `at` (0 to 1) of its length: the first letter or
 * digit from there is replaced by the next one of its kind, so the token keeps its alphabet.
 */
export function tampered(token: string, at: number): string {
  for (let i = Math.floor(token.length * at); i < token.length; i++) {
    const c = token.charAt(i);
    const kind = [DIGITS, LOWER, UPPER].find((alphabet) => alphabet.includes(c));
    if (kind)
      return token.slice(0, i) + kind.charAt((kind.indexOf(c) + 1) % kind.length) + token.slice(i + 1);
  }
  return `${token}x`;
}

/** A's multipart upload: one part of 4,096 bytes PUT, not completed. */
async function uploadOfA(ctx: RuleContext) {
  const file = descriptor(4096, ctx.allowedType);
  const { session, partSize } = await createUpload(ctx, 'a', file);
  const parts = await putParts(ctx.a, session, ctx.bytes(4096, 5), partSize);
  return { session, parts, file };
}

/** User B may get 403 or 404 for another user's upload, never anything else. */
const NOT_YOURS = [403, 404] as const;

/** Tokens bind every call to its user and upload. */
export const tokenRules: ConformanceRule[] = [
  {
    id: 'binding-complete',
    description:
      "user B completing A's upload (A's key with A's token, with none, with B's own) gets 403 or 404; A then completes it",
    async run(ctx) {
      const own = await uploaded(ctx, ctx.a);
      const other = await uploaded(ctx, ctx.b);
      const { token: _, ...withoutToken } = own.body as typeof own.body & { token?: string };
      await everyOf([
        async () =>
          expectRefused(
            await ctx.b.call('complete', own.body),
            NOT_YOURS,
            "complete by B with A's key and token",
          ),
        async () =>
          expectRefused(
            await ctx.b.call('complete', withoutToken),
            NOT_YOURS,
            "complete by B with A's key, no token",
          ),
        async () =>
          expectRefused(
            await ctx.b.call('complete', { ...own.body, ...tokenField(other.presigned.token) }),
            NOT_YOURS,
            "complete by B with A's key and B's own token",
          ),
      ]);
      expectOkJsonOrEmpty(await ctx.a.call('complete', own.body), "complete by A after B's attempts");
    },
  },
  {
    id: 'binding-sign-parts',
    description: "user B signing parts of A's upload with A's token gets 403 or 404, no URL",
    async run(ctx) {
      const { session } = await createUpload(ctx, 'a', descriptor(4096, ctx.allowedType));
      expectRefused(
        await ctx.b.call('multipart/sign-parts', { ...session, partNumbers: [1] }),
        NOT_YOURS,
        "sign-parts by B with A's upload",
      );
      expectOk(await ctx.a.call('multipart/sign-parts', { ...session, partNumbers: [1] }), 'sign-parts by A');
    },
  },
  {
    id: 'binding-list-parts',
    description: "user B listing the parts of A's upload with A's token gets 403 or 404",
    async run(ctx) {
      const { session } = await uploadOfA(ctx);
      expectRefused(
        await ctx.b.call('multipart/list-parts', session),
        NOT_YOURS,
        "list-parts by B with A's upload",
      );
    },
  },
  {
    id: 'binding-multipart-complete',
    description:
      "user B completing A's multipart upload with A's token and parts gets 403 or 404; A then completes it",
    async run(ctx) {
      const { session, parts, file } = await uploadOfA(ctx);
      const body = completeMultipartBody(session, parts, file);
      expectRefused(
        await ctx.b.call('multipart/complete', body),
        NOT_YOURS,
        "multipart/complete by B with A's upload",
      );
      expectOkJsonOrEmpty(
        await ctx.a.call('multipart/complete', body),
        "multipart/complete by A after B's attempt",
      );
    },
  },
  {
    id: 'binding-abort',
    description:
      "user B aborting A's upload with A's token gets 403 or 404, and A's upload and parts are still there",
    async run(ctx) {
      const { session, parts } = await uploadOfA(ctx);
      expectRefused(
        await ctx.b.call('multipart/abort', session),
        NOT_YOURS,
        "multipart/abort by B with A's upload",
      );
      const listed = expectOkObject(
        await ctx.a.call('multipart/list-parts', session),
        "list-parts by A after B's abort",
      ).parts;
      if (!Array.isArray(listed) || listed.length !== parts.length) {
        fail(
          `list-parts by A after B's abort: expected the ${parts.length} part(s) A PUT, got ${JSON.stringify(listed)}`,
        );
      }
    },
  },
  {
    id: 'token-tampered',
    description:
      'a token with one character changed is refused by complete and multipart/sign-parts; the real one works',
    async run(ctx) {
      const single = await uploaded(ctx, ctx.a);
      const { session } = await createUpload(ctx, 'a', descriptor(4096, ctx.allowedType));
      const { token } = single.body as { token?: string };
      const multipartToken = session.token;
      if (token === undefined || multipartToken === undefined) skip('the backend issues no tokens');
      const positions = [0.3, 0.5, 0.8];
      await everyOf([
        ...positions.map(
          (at) => async () =>
            expectRefused(
              await ctx.a.call('complete', { ...single.body, token: tampered(token, at) }),
              [400, 403, 404],
              `complete with the token changed at ${at * 100}%`,
            ),
        ),
        ...positions.map((at) => async () => {
          const forged: Session = { ...session, token: tampered(multipartToken, at) };
          const reply = await ctx.a.call('multipart/sign-parts', { ...forged, partNumbers: [1] });
          expectRefused(reply, [400, 403, 404], `sign-parts with the token changed at ${at * 100}%`);
          if (isRecord(reply.json) && Array.isArray(reply.json.parts))
            fail(`sign-parts with a changed token: expected no parts, got ${reply.text.slice(0, 160)}`);
        }),
      ]);
      expectOkJsonOrEmpty(await ctx.a.call('complete', single.body), 'complete with the real token');
    },
  },
];
