/** Problems in the built modules under `dir`, one line each; empty when it can ship. */
export function checkDist(dir: string): string[];
