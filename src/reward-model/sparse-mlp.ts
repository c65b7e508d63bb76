import type { RowPool } from "../features/pool.js";
import { type Arena, arenaBytes } from "./arena.js";
import {
  backwardHidden,
  bradleyTerryGradient,
  bradleyTerryLoss,
  hiddenReward,
  type Weights,
} from "./heads.js";

/**
 * The mlp head's step on sparse rows (hashed n-grams) with its two row loops, x·W1 and W1's gradient
 * xᵀ·∂pre (H values for each of a row's entries), in WebAssembly SIMD (arena.ts): the same numbers as
 * heads.ts's lossAndGradient, bit for bit, in about half the time. Weights and gradients must be
 * arrays of the arena; each row is copied into it before its passes.
 */
export interface SparseMlpBuffers {
  indices: Int32Array[];
  values: Float32Array[];
  pre: Float64Array[];
  dPre: Float64Array;
}

/** The longest row of a pool, in entries. */
export function longestRow(pool: RowPool): number {
  let longest = 0;
  for (let r = 0; r < pool.rows; r++) longest = Math.max(longest, pool.length[r]);
  return longest;
}

/** Arena bytes that sparseMlpBuffers takes. */
export function sparseMlpBytes(longest: number, hidden: number): number {
  return (
    2 * (arenaBytes(longest, 4) + arenaBytes(longest, 4) + arenaBytes(hidden, 8)) + arenaBytes(hidden, 8)
  );
}

export function sparseMlpBuffers(arena: Arena, longest: number, hidden: number): SparseMlpBuffers {
  const two = <T>(make: () => T) => [make(), make()];
  return {
    indices: two(() => arena.int32(longest)),
    values: two(() => arena.float32(longest)),
    pre: two(() => arena.float64(hidden)),
    dPre: arena.float64(hidden),
  };
}

/** Copies pool row r into slot `side` of the buffers; returns its entry count. */
function copyRow(pool: RowPool, r: number, buffers: SparseMlpBuffers, side: number): number {
  const { indices, values } = pool.chunks[pool.chunk[r]];
  const start = pool.start[r];
  const count = pool.length[r];
  buffers.indices[side].set(indices.subarray(start, start + count));
  buffers.values[side].set(values.subarray(start, start + count));
  return count;
}

/** As heads.ts's lossAndGradient, for the mlp head on a sparse pool: the mean loss; the gradient added into grads. */
export function sparseMlpLossAndGradient(
  arena: Arena,
  weights: Weights,
  grads: Weights,
  pool: RowPool,
  order: Int32Array,
  from: number,
  count: number,
  buffers: SparseMlpBuffers,
): number {
  const { w1, b1, w2 } = weights;
  const { indices, values, pre, dPre } = buffers;
  let loss = 0;
  for (let p = from; p < from + count; p++) {
    const chosen = 2 * order[p];
    const chosenEntries = copyRow(pool, chosen, buffers, 0);
    const rejectedEntries = copyRow(pool, chosen + 1, buffers, 1);
    arena.affine(indices[0], values[0], chosenEntries, w1, b1, pre[0]);
    arena.affine(indices[1], values[1], rejectedEntries, w1, b1, pre[1]);
    const margin = hiddenReward(pre[0], w2) - hiddenReward(pre[1], w2);
    loss += bradleyTerryLoss(margin);
    const d = bradleyTerryGradient(margin) / count;
    for (let side = 0; side < 2; side++) {
      backwardHidden(pre[side], side === 0 ? d : -d, w2, grads, dPre);
      arena.addOuter(
        indices[side],
        values[side],
        side === 0 ? chosenEntries : rejectedEntries,
        dPre,
        grads.w1,
      );
    }
  }
  return loss / count;
}
