import type { FeaturesConfig } from "../config/schema.js";
import type { PreferencePair } from "../data/types.js";
import { createFeaturizer } from "../features/featurizer.js";
import { featurizePairs } from "../features/pairs.js";
import type { HeadParams } from "./params.js";
import { scoreMembers } from "./score.js";

/** Every member's raw rewards on both responses of each pair: chosen[m][p], rejected[m][p]. */
export function scorePairs(
  members: HeadParams[],
  pairs: PreferencePair[],
  features: FeaturesConfig,
): { chosen: Float64Array[]; rejected: Float64Array[] } {
  const scores = scoreMembers(members, featurizePairs(pairs, createFeaturizer(features)));
  return {
    chosen: scores.map((s) => Float64Array.from(s.subarray(0, pairs.length))),
    rejected: scores.map((s) => Float64Array.from(s.subarray(pairs.length))),
  };
}
