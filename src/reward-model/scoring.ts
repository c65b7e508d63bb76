import type { FeaturesConfig } from "../config/schema.js";
import type { PreferencePair } from "../data/types.js";
import { featurizePairs } from "../features/pairs.js";
import type { HeadParams } from "./params.js";
import { scoreRows } from "./score.js";

/** Every member's raw rewards on both responses of each pair: chosen[m][p], rejected[m][p]. */
export function scorePairs(
  members: HeadParams[],
  pairs: PreferencePair[],
  features: FeaturesConfig,
): { chosen: Float64Array[]; rejected: Float64Array[] } {
  const rows = featurizePairs(pairs, features);
  return {
    chosen: members.map((params) => Float64Array.from(scoreRows(params, rows.chosen))),
    rejected: members.map((params) => Float64Array.from(scoreRows(params, rows.rejected))),
  };
}
