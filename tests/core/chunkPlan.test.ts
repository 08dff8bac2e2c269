import { describe, expect, it } from 'vitest';
import { DEFAULT_PART_SIZE, S3_LIMITS, choosePartSize } from '../../src/core/chunkPlan';
import { planParts, type PartSpec } from '../../src/core/planParts';
import { UploadError } from '../../src/core/errors';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('constants', () => {
  it('match the S3 limits and the 8 MiB default', () => {
    expect(S3_LIMITS).toEqual({
      minPartSize: 5 * MiB,
      maxPartSize: 5 * GiB,
      maxParts: 10_000,
      maxObjectSize: 5 * TiB,
    });
    expect(DEFAULT_PART_SIZE).toBe(8 * MiB);
  });
});

describe('choosePartSize', () => {
  it.each([
    ['0 B', 0],
    ['1 B', 1],
    ['5 MiB - 1', 5 * MiB - 1],
    ['5 MiB', 5 * MiB],
    ['5 MiB + 1', 5 * MiB + 1],
    ['1 GiB', GiB],
    ['exactly 10,000 default parts', 10_000 * 8 * MiB],
  ])('keeps the 8 MiB default for %s', (_label, size) => {
    expect(choosePartSize(size)).toBe(8 * MiB);
  });

  it('raises a preferred size below 5 MiB to 5 MiB', () => {
    expect(choosePartSize(100, 1 * MiB)).toBe(5 * MiB);
    expect(choosePartSize(100, 0)).toBe(5 * MiB);
  });

  it('keeps a preferred size between the limits as given', () => {
    expect(choosePartSize(100, 6_000_000)).toBe(6_000_000);
    expect(choosePartSize(100, 64 * MiB)).toBe(64 * MiB);
  });

  it('caps a preferred size above 5 GiB at 5 GiB', () => {
    expect(choosePartSize(100, 6 * GiB)).toBe(5 * GiB);
  });

  it('grows to the next whole MiB one byte past 10,000 default parts', () => {
    expect(choosePartSize(10_000 * 8 * MiB + 1)).toBe(9 * MiB);
  });

  it('grows to 11 MiB for 100 GiB (8 MiB would need 12,800 parts)', () => {
    expect(Math.ceil((100 * GiB) / (8 * MiB))).toBe(12_800);
    const size = choosePartSize(100 * GiB);
    expect(size).toBe(11 * MiB);
    expect(size % MiB).toBe(0);
    expect(planParts(100 * GiB, size)).toHaveLength(9_310);
  });

  it('picks 525 MiB for the 5 TiB maximum', () => {
    const size = choosePartSize(5 * TiB);
    expect(size).toBe(525 * MiB);
    expect(planParts(5 * TiB, size)).toHaveLength(9_987);
  });

  it("throws UploadError 'file-too-large' for 5 TiB + 1", () => {
    const error = catchError(() => choosePartSize(5 * TiB + 1));
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).code).toBe('file-too-large');
    expect((error as UploadError).message).toContain(String(5 * TiB + 1));
    expect((error as UploadError).message).toContain('5 TiB');
  });
});

describe('planParts at edge sizes', () => {
  it('plans a 0-byte file as one empty part', () => {
    expect(planParts(0, DEFAULT_PART_SIZE)).toEqual([{ partNumber: 1, start: 0, end: 0 }]);
  });

  it('plans a 1-byte file as one 1-byte part', () => {
    expect(planParts(1, DEFAULT_PART_SIZE)).toEqual([{ partNumber: 1, start: 0, end: 1 }]);
  });

  it('plans 5 MiB - 1, 5 MiB and 5 MiB + 1 as one part at the default size', () => {
    for (const size of [5 * MiB - 1, 5 * MiB, 5 * MiB + 1]) {
      expect(planParts(size, DEFAULT_PART_SIZE)).toEqual([{ partNumber: 1, start: 0, end: size }]);
    }
  });

  it('plans 5 MiB in 5 MiB parts as exactly one full part', () => {
    expect(planParts(5 * MiB, 5 * MiB)).toEqual([{ partNumber: 1, start: 0, end: 5 * MiB }]);
  });

  it('plans 5 MiB + 1 in 5 MiB parts as a full part and a 1-byte last part', () => {
    expect(planParts(5 * MiB + 1, 5 * MiB)).toEqual([
      { partNumber: 1, start: 0, end: 5 * MiB },
      { partNumber: 2, start: 5 * MiB, end: 5 * MiB + 1 },
    ]);
  });

  it('plans exact multiples without an empty trailing part', () => {
    expect(planParts(16 * MiB, 8 * MiB)).toEqual([
      { partNumber: 1, start: 0, end: 8 * MiB },
      { partNumber: 2, start: 8 * MiB, end: 16 * MiB },
    ]);
    expect(planParts(24 * MiB, 8 * MiB)).toHaveLength(3);
  });

  it('accepts exactly 10,000 parts and rejects 10,001', () => {
    expect(planParts(10_000 * 5 * MiB, 5 * MiB)).toHaveLength(10_000);
    expect(() => planParts(10_000 * 5 * MiB + 1, 5 * MiB)).toThrow(RangeError);
  });

  it('rejects 100 GiB at the 8 MiB default, pointing to choosePartSize', () => {
    expect(() => planParts(100 * GiB, DEFAULT_PART_SIZE)).toThrow(/choosePartSize/);
  });

  it('rejects part sizes below 5 MiB and above 5 GiB with RangeError', () => {
    expect(() => planParts(100, 5 * MiB - 1)).toThrow(RangeError);
    expect(() => planParts(100, 1)).toThrow(RangeError);
    expect(() => planParts(100, 5 * GiB + 1)).toThrow(RangeError);
    expect(() => planParts(100, 5 * MiB)).not.toThrow();
    expect(() => planParts(100, 5 * GiB)).not.toThrow();
  });

  it('rejects negative, fractional and NaN file sizes with RangeError', () => {
    expect(() => planParts(-1, 5 * MiB)).toThrow(RangeError);
    expect(() => planParts(1.5, 5 * MiB)).toThrow(RangeError);
    expect(() => planParts(Number.NaN, 5 * MiB)).toThrow(RangeError);
  });
});

describe('planParts properties over chosen part sizes', () => {
  const sizes = [
    0,
    1,
    1023,
    5 * MiB - 1,
    5 * MiB,
    5 * MiB + 1,
    8 * MiB - 1,
    8 * MiB,
    8 * MiB + 1,
    16 * MiB,
    100 * MiB + 7,
    GiB,
    10_000 * 8 * MiB,
    10_000 * 8 * MiB + 1,
    100 * GiB,
    100 * GiB + 1,
    TiB + 12_345,
    5 * TiB - 1,
    5 * TiB,
  ];

  function checkPlan(size: number, partSize: number, parts: PartSpec[]): void {
    expect(parts.length).toBeGreaterThanOrEqual(1);
    expect(parts.length).toBeLessThanOrEqual(10_000);
    expect(parts[0]!.start).toBe(0);
    expect(parts[parts.length - 1]!.end).toBe(size);
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      // partNumbers are 1..n in order.
      if (part.partNumber !== i + 1) expect(part.partNumber).toBe(i + 1);
      // Contiguous: each part starts where the previous one ended.
      if (i > 0 && part.start !== parts[i - 1]!.end) expect(part.start).toBe(parts[i - 1]!.end);
      const length = part.end - part.start;
      if (i < parts.length - 1) {
        // Every part but the last is a full part of at least 5 MiB.
        if (length !== partSize) expect(length).toBe(partSize);
        if (length < 5 * MiB) expect(length).toBeGreaterThanOrEqual(5 * MiB);
      } else if (length < 0 || length > partSize) {
        expect(length).toBeGreaterThanOrEqual(0);
        expect(length).toBeLessThanOrEqual(partSize);
      }
    }
    const covered = parts.reduce((sum, part) => sum + (part.end - part.start), 0);
    expect(covered).toBe(size);
  }

  it.each(sizes)('size %d: contiguous, covers [0,size), parts >= 5 MiB but the last, <= 10,000', (size) => {
    const partSize = choosePartSize(size);
    expect(partSize).toBeGreaterThanOrEqual(5 * MiB);
    expect(partSize).toBeLessThanOrEqual(5 * GiB);
    expect(partSize % MiB).toBe(0);
    checkPlan(size, partSize, planParts(size, partSize));
  });

  it.each([5 * MiB, 6_000_000, 64 * MiB, 5 * GiB])('preferred %d keeps the invariants', (preferred) => {
    for (const size of sizes) {
      const partSize = choosePartSize(size, preferred);
      checkPlan(size, partSize, planParts(size, partSize));
    }
  });
});

describe('planParts errors name the value', () => {
  it('says which fileSize and partSize were wrong', () => {
    expect(() => planParts(-1, 8 * MiB)).toThrow('fileSize must be a non-negative integer, got -1');
    expect(() => planParts(1, 1024)).toThrow(
      "partSize must be between 5 MiB and 5 GiB (S3's limits), got 1024 bytes",
    );
  });
});
