import { expect, it } from 'vitest';
import { scaleBytes } from '../../../src/core/bytes';

it('starts from minPower', () => {
  expect(scaleBytes(5000, 1, 4)).toEqual([5, 1]);
});

it('moves up a unit at 999.95, where one decimal would read 1000.0', () => {
  expect(scaleBytes(999.94, 0, 4)).toEqual([999.94, 0]);
  const [value, power] = scaleBytes(999.95, 0, 4);
  expect(power).toBe(1);
  expect(value).toBeCloseTo(0.99995, 10);
});

it('stops at maxPower however large the value', () => {
  expect(scaleBytes(5_000_000, 0, 1)).toEqual([5000, 1]);
});
