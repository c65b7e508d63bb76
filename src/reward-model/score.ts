import type { FeaturePool } from "../features/pool.js";
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

/** Fraction of pairs ranked right: margin > 0 counts 1, a tie (margin = 0) counts ½. */
export function pairAccuracy(margins: ArrayLike<number>): number {
  if (margins.length === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < margins.length; i++) correct += margins[i] > 0 ? 1 : margins[i] === 0 ? 0.5 : 0;
  return correct / margins.length;
}

/** Mean Bradley-Terry loss over pairs with these margins (no L2 term), in float64; NaN for no pairs. */
export function meanPairLoss(margins: ArrayLike<number>): number {
  if (margins.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < margins.length; i++) sum += bradleyTerryLoss(margins[i]);
  return sum / margins.length;
}
