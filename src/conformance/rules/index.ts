import type { ConformanceRule } from '../rule.js';
import { batchRules } from './batches.js';
import { declarationRules } from './declarations.js';
import { errorRules } from './errors.js';
import { keyRules } from './keys.js';
import { pagingRules } from './paging.js';
import { quarantineRules } from './quarantine.js';
import { shapeRules } from './shapes.js';
import { tokenRules } from './tokens.js';
import { transferRules } from './transfers.js';

/** Every rule, in the order they run: shapes first, the slow paging rule last. */
export const allRules: readonly ConformanceRule[] = [
  ...shapeRules,
  ...transferRules,
  ...batchRules,
  ...errorRules,
  ...declarationRules,
  ...tokenRules,
  ...quarantineRules,
  ...keyRules,
  ...pagingRules,
];
