import { describe, expect, it } from 'vitest';
import { formatBytePair, formatBytes, formatSpeed } from '../../src/styled/format';

// French puts a narrow no-break space between number and unit.
const nnbsp = '\u202f';

describe('formatBytes', () => {
  it('spells out small sizes and uses decimal units with one decimal above', () => {
    expect(formatBytes(0, 'en-US')).toBe('0 bytes');
    expect(formatBytes(1, 'en-US')).toBe('1 byte');
    expect(formatBytes(999, 'en-US')).toBe('999 bytes');
    expect(formatBytes(1000, 'en-US')).toBe('1.0 kB');
    expect(formatBytes(2500, 'en-US')).toBe('2.5 kB');
    expect(formatBytes(48_000_000, 'en-US')).toBe('48.0 MB');
    expect(formatBytes(2_600_000_000, 'en-US')).toBe('2.6 GB');
  });

  it('moves up a unit rather than print "1,000.0 kB"', () => {
    expect(formatBytes(999_940, 'en-US')).toBe('999.9 kB');
    expect(formatBytes(999_960, 'en-US')).toBe('1.0 MB');
  });

  it("uses the locale's digits and unit words", () => {
    expect(formatBytes(2500, 'fr-FR')).toBe(`2,5${nnbsp}ko`);
    expect(formatBytes(10, 'fr-FR')).toBe('10\u00a0octets');
    expect(formatBytes(1_500_000, 'de-DE')).toBe('1,5 MB');
  });
});

describe('formatSpeed', () => {
  it('reads per second, from kilobytes up', () => {
    expect(formatSpeed(2_400_000, 'en-US')).toBe('2.4 MB/s');
    expect(formatSpeed(500, 'en-US')).toBe('0.5 kB/s');
    expect(formatSpeed(2_400_000, 'fr-FR')).toBe(`2,4${nnbsp}Mo/s`);
  });
});

describe('formatBytePair', () => {
  it('rounds both when they read differently, and gives exact bytes when they would not', () => {
    expect(formatBytePair(2_500, 1_500, 'en-US')).toEqual(['2.5 kB', '1.5 kB']);
    expect(formatBytePair(5_000_001, 5_000_000, 'en-US')).toEqual(['5,000,001 bytes', '5,000,000 bytes']);
  });
});
