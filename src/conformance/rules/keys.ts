import { fail } from '../checks.js';
import { createUpload, descriptor, presign } from '../flows.js';
import type { ConformanceRule } from '../rule.js';

const HOSTILE_NAME = '../../conformance/evil.php';

/** Why `key` shows that the client's name chose it, or `undefined`. */
function keyProblem(key: string): string | undefined {
  if (key === HOSTILE_NAME || key.includes('evil.php'))
    return `expected a key the server chose, got "${key}" for a file named "${HOSTILE_NAME}"`;
  if (key.split('/').some((segment) => segment === '..' || segment === '.'))
    return `expected a key without "." or ".." segments, got "${key}"`;
  if (/\.php$/i.test(key))
    return `expected an extension from the checked type, got "${key}" (the client's ".php")`;
  return undefined;
}

/** The server chooses keys. */
export const keyRules: ConformanceRule[] = [
  {
    id: 'server-chooses-keys',
    description:
      "keys come from the server: never the client's name or extension, fresh for every presign and multipart/create",
    async run(ctx) {
      const file = descriptor(2048, ctx.allowedType, HOSTILE_NAME);
      const keys = [
        (await presign(ctx.a, file)).key,
        (await presign(ctx.a, file)).key,
        (await createUpload(ctx, 'a', file)).session.key,
        (await createUpload(ctx, 'a', file)).session.key,
      ];
      for (const key of keys) {
        const problem = keyProblem(key);
        if (problem) fail(problem);
      }
      if (new Set(keys).size !== keys.length) {
        fail(
          `expected a fresh key for every upload of the same file (presigned twice, created twice), got keys ${keys.map((k) => `"${k}"`).join(', ')}; each upload needs a fresh key`,
        );
      }
      return `4 distinct keys, e.g. "${keys[0]}"`;
    },
  },
];
