import type { ConformanceRule } from '../rule';
import { batchRules } from './batches';
import { declarationRules } from './declarations';
import { errorRules } from './errors';
import { keyRules } from './keys';
import { pagingRules } from './paging';
import { quarantineRules } from './quarantine';
import { shapeRules } from './shapes';
import { tokenRules } from './tokens';
import { transferRules } from './transfers';

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
