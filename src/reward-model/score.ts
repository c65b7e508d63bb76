import * as tf from "@tensorflow/tfjs-core";
import type { FeaturesConfig } from "../config/schema.js";
import type { CandidateSet, PreferencePair } from "../data/types.js";
import { featurize, type SparseRow } from "../features/hashing.js";
import { featurizePairs } from "../features/pairs.js";
import { type RowPool, rowPoolOf } from "../features/pool.js";
import { createBatchBuilder } from "./batch.js";
import { bradleyTerryLosses, type GroupTensors, scoreSharedRows, uploadBatch } from "./heads.js";
import { groupShapes, type HeadParams, paramArrays, stackArrays } from "./params.js";

/** Entries × outputs per scoring batch: bounds the gathered [entries, members·H] tensor to ~16 MB. */
const SCORE_BUDGET = 1 << 22;

/**
 * Rewards of pool rows rowIds under every member of a group: result[g][i] = r_g(row rowIds[i]).
 * Rows go in batches sized by their non-zeros, so any number of rows fits in memory.
 */
export function groupRewards(
  head: HeadParams["head"],
  params: GroupTensors,
  members: number,
  pool: RowPool,
  rowIds: ArrayLike<number>,
): Float32Array[] {
  const out = Array.from({ length: members }, () => new Float32Array(rowIds.length));
  const width = head === "linear" ? members : members * (params.w1.shape[1] as number);
  const builder = createBatchBuilder();
  for (let from = 0; from < rowIds.length; ) {
    let to = from;
    let entries = 0;
    do entries += pool.length[rowIds[to++]];
    while (to < rowIds.length && (entries + pool.length[rowIds[to]]) * width <= SCORE_BUDGET);
    const entriesOf = builder.sharedRows(pool, rowIds, from, to);
    const rewards = tf.tidy(() => scoreSharedRows(head, params, uploadBatch(entriesOf), members));
    const values = rewards.dataSync();
    rewards.dispose();
    for (let i = from; i < to; i++) {
      for (let g = 0; g < members; g++) out[g][i] = values[(i - from) * members + g];
    }
    from = to;
  }
  return out;
}

/** The stacked tensors of several members' weights (all of one head and shape). */
export function groupTensors(members: HeadParams[]): GroupTensors {
  const { head, inputDim, hiddenUnits } = members[0];
  const shapes = groupShapes(head, members.length, inputDim, hiddenUnits);
  const stacked = stackArrays(members.map(paramArrays));
  return Object.fromEntries(
    Object.entries(stacked).map(([name, data]) => [name, tf.tensor(data, shapes[name])]),
  );
}

/** Members scored together hold at most this many parameters on the backend. */
const SCORE_PARAMETERS = 1 << 23;

/** Rewards r(x) of feature rows under each member: result[m][i]; members go in batches that fit memory. */
export function scoreMembers(members: HeadParams[], rows: SparseRow[]): Float32Array[] {
  if (members.length === 0) return [];
  const pool = rowPoolOf(rows, members[0].inputDim);
  const rowIds = Int32Array.from({ length: rows.length }, (_, i) => i);
  const perMember = Object.values(members[0].tensors).reduce((n, t) => n + t.data.length, 0);
  const batch = Math.max(1, Math.floor(SCORE_PARAMETERS / perMember));
  const scores: Float32Array[] = [];
  for (let from = 0; from < members.length; from += batch) {
    const some = members.slice(from, from + batch);
    const params = groupTensors(some);
    try {
      scores.push(...groupRewards(some[0].head, params, some.length, pool, rowIds));
    } finally {
      for (const t of Object.values(params)) t.dispose();
    }
  }
  return scores;
}

/** Mean Bradley-Terry loss over pairs with these margins (no L2 term); NaN for no pairs. */
export function meanPairLoss(margins: Float32Array): number {
  if (margins.length === 0) return Number.NaN;
  const loss = tf.tidy(() => tf.mean(bradleyTerryLosses(tf.tensor1d(margins))));
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

/** Every member's raw rewards on both responses of each pair: chosen[m][p], rejected[m][p]. */
export function scorePairs(
  members: HeadParams[],
  pairs: PreferencePair[],
  features: FeaturesConfig,
): { chosen: Float64Array[]; rejected: Float64Array[] } {
  const rows = featurizePairs(pairs, features);
  const scores = scoreMembers(members, [...rows.chosen, ...rows.rejected]);
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
  const rows = sets.flatMap((set) => set.candidates.map((c) => featurize(set.prompt, c.text, features)));
  const scores = scoreMembers(members, rows);
  let offset = 0;
  return sets.map((set) => {
    const k = set.candidates.length;
    const perMember = scores.map((s) => Array.from(s.subarray(offset, offset + k)));
    offset += k;
    return perMember;
  });
}
