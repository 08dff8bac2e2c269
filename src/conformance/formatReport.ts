import type { ConformanceReport, RuleResult } from './types.js';

/** One line for a rule: `PASS id: description`, `FAIL id: reason` or `SKIP id: reason`. */
export function formatResult(result: RuleResult): string {
  const text = result.status === 'pass' ? result.description : result.reason;
  return `${result.status.toUpperCase()} ${result.id}: ${text}`;
}

/** One line per rule, then a summary line. */
export function formatReport(report: ConformanceReport): string[] {
  return [
    ...report.results.map(formatResult),
    `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped: ${report.results.length} rules, ${report.requests} requests in ${(report.ms / 1000).toFixed(1)} s against ${report.baseUrl}`,
  ];
}
