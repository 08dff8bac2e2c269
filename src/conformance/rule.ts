import { skip } from './checks.js';
import type { UserClient } from './protocolClient.js';
import type { StorageReader } from './storageReader.js';

/** The two signed-in users, for cleanups that run after a rule. */
export interface Users {
  a: UserClient;
  b: UserClient;
}

/** What a rule is given. */
export interface RuleContext extends Users {
  /** Calls without any user's headers. */
  anonymous: UserClient;
  allowedType: string;
  refusedType: string;
  maxFileSize: number | undefined;
  origin: string | undefined;
  /** Storage access when the caller gave it. */
  storage: StorageReader | undefined;
  /** Whether files of `allowedType` start with a known magic number (a built-in or given sample). */
  sniffable: boolean;
  /** A file of `allowedType`, `size` bytes; another `seed` gives other bytes after its head. */
  bytes(size: number, seed?: number): Uint8Array<ArrayBuffer>;
  /** Runs after the rule, pass or fail (aborting uploads it opened). */
  defer(cleanup: (users: Users) => Promise<unknown>): void;
}

/** One checked requirement of docs/protocol.md. */
export interface ConformanceRule {
  /** Stable id, for `only` and the CLI's `--only`. */
  id: string;
  /** One line: what a conforming backend does. */
  description: string;
  /** Longest the rule may take, in ms. @default 60000 */
  budgetMs?: number;
  /** Resolves (with an optional note of what was seen) when the backend passes; throws otherwise. */
  run(ctx: RuleContext): Promise<string | undefined>;
}

/** The storage reader, or the rule is skipped: it needs to see what storage holds. */
export function needStorage(ctx: RuleContext): StorageReader {
  if (!ctx.storage) {
    skip('needs storage access to see what storage holds (options.storage, or the CLI --s3-* flags)');
  }
  return ctx.storage;
}
