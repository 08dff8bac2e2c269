import type { S3Client } from '@aws-sdk/client-s3';

/** Read access to the bucket the backend signs URLs for. */
export interface ConformanceStorage {
  /** A client that may read objects and write parts in `bucket` (only the paging rule writes). */
  s3: S3Client;
  bucket: string;
}

/** What {@link runConformance} checks, and how to reach it. */
export interface ConformanceOptions {
  /** The backend's base URL, as the client's `baseUrl` (`http://127.0.0.1:3000/api/upload`). */
  baseUrl: string;
  /**
   * Request headers that sign in two different users (`{ authorization: 'Bearer alice' }`).
   * Calls without them are the anonymous calls.
   */
  users: { a: Record<string, string>; b: Record<string, string> };
  /**
   * The app's origin, sent as `Origin` on every call; when given, `foreign-origin` checks that
   * another origin gets 403.
   */
  origin?: string;
  /**
   * A type the backend accepts. Files of it are made from a built-in sample (`image/png`,
   * `image/jpeg`, `image/gif`, `application/pdf`) or from `sample`.
   * @default 'image/png'
   */
  allowedType?: string;
  /**
   * The first bytes of a real file of `allowedType`, for types without a built-in sample. The kit
   * pads it with other bytes to the sizes it needs.
   */
  sample?: Uint8Array;
  /**
   * A type the backend refuses with 415.
   * @default 'application/x-msdownload'
   */
  refusedType?: string;
  /**
   * The backend's largest accepted file, in bytes: `file-too-large` declares one byte more, and
   * `list-parts-paging` runs only if 1,001 parts fit. Without it, S3's limits are used.
   */
  maxFileSize?: number;
  /** Storage access: enables the rules that compare what storage holds. */
  storage?: ConformanceStorage;
  /** Rule ids to run; every rule when absent. */
  only?: readonly string[];
  /**
   * Timeout of every request, in ms.
   * @default 30000
   */
  timeoutMs?: number;
  /** Called once per rule as soon as its result is known (progress output). */
  onResult?: (result: RuleResult) => void;
}

/** A rule's outcome. */
export type RuleStatus = 'pass' | 'fail' | 'skip';

/** One rule's result: `reason` says what was expected and what came back. */
export interface RuleResult {
  id: string;
  description: string;
  status: RuleStatus;
  reason: string;
  /** How long the rule took, in ms. */
  ms: number;
}

/** What {@link runConformance} found. */
export interface ConformanceReport {
  baseUrl: string;
  /** In the order of {@link conformanceRules}. */
  results: RuleResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** Control calls and PUTs made, in all. */
  requests: number;
  ms: number;
}
