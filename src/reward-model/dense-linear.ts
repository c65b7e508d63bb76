import type { DensePool } from "../features/pool.js";
import { type Arena, arenaBytes } from "./arena.js";
import { bradleyTerryGradient, bradleyTerryLoss, type Weights } from "./heads.js";

/**
 * The linear head's step on dense rows (embeddings): its dot products and row updates, D values a row,
 * in WebAssembly SIMD (arena.ts), the same numbers as heads.ts's lossAndGradient bit for bit. The
 * weights and gradient must be arrays of the arena; each row is copied into it before its passes.
 */
export interface DenseLinearBuffers {
  rows: Float32Array[];
}

/** Arena bytes that denseLinearBuffers takes. */
export function denseLinearBytes(dimension: number): number {
  return 2 * arenaBytes(dimension, 4);
}

export function denseLinearBuffers(arena: Arena, dimension: number): DenseLinearBuffers {
  return { rows: [arena.float32(dimension), arena.float32(dimension)] };
}

/** As heads.ts's lossAndGradient, for the linear head on a dense pool: the mean loss; the gradient added into grads. */
export function denseLinearLossAndGradient(
  arena: Arena,
  weights: Weights,
  grads: Weights,
  pool: DensePool,
  order: Int32Array,
  from: number,
  count: number,
  buffers: DenseLinearBuffers,
): number {
  const D = pool.dimension;
  const [chosenRow, rejectedRow] = buffers.rows;
  const { w } = weights;
  let loss = 0;
  for (let p = from; p < from + count; p++) {
    const chosen = 2 * order[p];
    chosenRow.set(pool.data.subarray(chosen * D, (chosen + 1) * D));
    rejectedRow.set(pool.data.subarray((chosen + 1) * D, (chosen + 2) * D));
    const margin = arena.dot(chosenRow, w) - arena.dot(rejectedRow, w);
    loss += bradleyTerryLoss(margin);
    const d = bradleyTerryGradient(margin) / count;
    arena.addScaled(chosenRow, d, grads.w);
    arena.addScaled(rejectedRow, -d, grads.w);
  }
  return loss / count;
}
