import { scaleBytes } from '../core/bytes.js';

// Intl's units from 1,000 bytes up: PREFIXED[power - 1].
const PREFIXED = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

function scale(bytes: number): [value: number, unit: (typeof PREFIXED)[number]] {
  const [value, power] = scaleBytes(bytes, 1, PREFIXED.length);
  return [value, PREFIXED[power - 1] ?? 'petabyte'];
}
const formats = new Map<string, Intl.NumberFormat>();

function format(locale: string | undefined, unit: string, value: number, fraction: number): string {
  const id = `${locale ?? ''}|${unit}|${fraction}`;
  let formatter = formats.get(id);
  if (!formatter) {
    const options: Intl.NumberFormatOptions = {
      style: 'unit',
      unit,
      // "10 bytes" reads better than "10 byte"; "2.5 kB" better than "2.5 kilobytes".
      unitDisplay: unit === 'byte' ? 'long' : 'short',
      minimumFractionDigits: fraction,
      maximumFractionDigits: fraction,
    };
    try {
      formatter = new Intl.NumberFormat(locale, options);
    } catch {
      // A malformed locale ("en_US") must not take the list down: the reader's own locale.
      formatter = new Intl.NumberFormat(undefined, options);
    }
    formats.set(id, formatter);
  }
  return formatter.format(value);
}

/**
 * Bytes for people, in decimal units with the words and digits of `locale` ("2.5 kB",
 * "2,5 ko", "10 bytes"): one decimal from kilobytes up.
 */
export function formatBytes(bytes: number, locale?: string): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1000) return format(locale, 'byte', bytes, 0);
  const [value, unit] = scale(bytes);
  return format(locale, unit, value, 1);
}

/** A speed for people, from kilobytes per second up ("2.4 MB/s", "2,4 Mo/s"). */
export function formatSpeed(bytesPerSecond: number, locale?: string): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) return '';
  const [value, unit] = scale(bytesPerSecond);
  return format(locale, `${unit}-per-second`, value, 1);
}

/**
 * A size and a limit for an error message, in exact bytes when rounding would make them read
 * the same ("5,000,001 bytes; the limit is 5,000,000 bytes", not "5.0 MB; the limit is 5.0 MB").
 */
export function formatBytePair(size: number, limit: number, locale?: string): [string, string] {
  const pair: [string, string] = [formatBytes(size, locale), formatBytes(limit, locale)];
  if (pair[0] !== pair[1]) return pair;
  return [format(locale, 'byte', size, 0), format(locale, 'byte', limit, 0)];
}
