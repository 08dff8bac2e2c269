/**
 * Bytes in decimal units: the value and its power of 1,000 (0 bytes, 1 kB, 2 MB...), between
 * `minPower` and `maxPower`. It moves up a unit before one decimal would read "1,000.0".
 */
export function scaleBytes(
  bytes: number,
  minPower: number,
  maxPower: number,
): [value: number, power: number] {
  let value = bytes / 1000 ** minPower;
  let power = minPower;
  while (value >= 999.95 && power < maxPower) {
    value /= 1000;
    power++;
  }
  return [value, power];
}
