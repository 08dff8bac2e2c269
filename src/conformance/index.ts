/**
 * The conformance kit: checks any upload backend against docs/protocol.md over HTTP, with real
 * PUTs of real bytes to the URLs it hands out, and (given storage access) compares what storage
 * holds. Node 20+ and `fetch` only; the AWS SDK is loaded only when `storage` is given.
 * `scripts/conformance.ts` is its command line.
 *
 * @module
 */
export { conformanceRules, runConformance } from './runConformance.js';
export { formatReport, formatResult } from './formatReport.js';
export type {
  ConformanceOptions,
  ConformanceReport,
  ConformanceStorage,
  RuleResult,
  RuleStatus,
} from './types.js';
