import type { FeaturesConfig } from "../config/schema.js";
import type { CandidateSet, PreferencePair } from "../data/types.js";
import { createFeaturizer } from "../features/featurizer.js";
import { featurizePairs } from "../features/pairs.js";
import { createPoolBuilder, type FeaturePool } from "../features/pool.js";
import { UserError } from "../runtime/errors.js";
import { bradleyTerryLoss, createScratch, reward } from "./heads.js";
import { type HeadParams, paramArrays } from "./params.js";

/** Rewards of pool rows rowIds (all rows when omitted) under one member: result[i] = r(row rowIds[i]). */
export function memberRewards(
  params: HeadParams,
  pool: FeaturePool,
  rowIds?: ArrayLike<number>,
): Float32Array {
  const weights = paramArrays(params);
  const scratch = createScratch(params.hiddenUnits);
  const count = rowIds?.length ?? pool.rows;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = reward(params.head, weights, pool, rowIds?.[i] ?? i, scratch);
  return out;
}

/** Rewards r(x) of every pool row under each member: result[m][i]. */
export function scoreMembers(members: HeadParams[], pool: FeaturePool): Float32Array[] {
  const odd = members.find((m) => m.inputDim !== pool.dimension);
  if (odd !== undefined) {
    throw new UserError(
      `dimension mismatch: the reward heads take ${odd.inputDim} features, the texts have ${pool.dimension} ` +
        "(other embeddings than those trained on? retrain with --force)",
    );
  }
  return members.map((params) => memberRewards(params, pool));
}

/** Mean Bradley-Terry loss over pairs with these margins (no L2 term), in float64; NaN for no pairs. */
export function meanPairLoss(margins: ArrayLike<number>): number {
  if (margins.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < margins.length; i++) sum += bradleyTerryLoss(margins[i]);
  return sum / margins.length;
}

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

/** Every member's raw reward of every candidate of each set: result[set][member][candidate]. */
export function scoreCandidateSets(
  members: HeadParams[],
  sets: CandidateSet[],
  features: FeaturesConfig,
): number[][][] {
  const featurizer = createFeaturizer(features);
  const builder = createPoolBuilder(featurizer);
  for (const set of sets) for (const c of set.candidates) builder.add(featurizer.row(set.prompt, c.text));
  const scores = scoreMembers(members, builder.seal());
  let offset = 0;
  return sets.map((set) => {
    const k = set.candidates.length;
    const perMember = scores.map((s) => Array.from(s.subarray(offset, offset + k)));
    offset += k;
    return perMember;
  });
}
