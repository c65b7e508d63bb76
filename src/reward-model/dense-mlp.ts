import * as tf from "@tensorflow/tfjs-core";
import type { DensePool } from "../features/pool.js";
import { bradleyTerryGradient, bradleyTerryLoss, type Weights } from "./heads.js";

/**
 * The mlp head's step on dense rows (embeddings), whose two products X·W1 and ∂preᵀ·X are dense
 * matrix products of 2P × D × H: there the host's scalar loops are an order of magnitude slower than
 * the backend's matMul (XNNPACK's SIMD kernels on wasm; measured in README's "Speed and scale"),
 * so they go to tfjs, both in the untransposed 2-D form that reaches XNNPACK; the rest (loss,
 * backward through relu and w2, Adam) stays on the host, as in heads.ts.
 */
/** a·b through the backend, as host floats. */
function product(a: () => tf.Tensor2D, b: () => tf.Tensor2D): Float32Array {
  const result = tf.tidy(() => tf.matMul(a(), b()));
  const values = result.dataSync() as Float32Array;
  result.dispose();
  return values;
}

export interface DenseMlpBuffers {
  x: Float32Array;
  dPreT: Float32Array;
}

export function denseMlpBuffers(pairs: number, dimension: number, hidden: number): DenseMlpBuffers {
  return { x: new Float32Array(2 * pairs * dimension), dPreT: new Float32Array(hidden * 2 * pairs) };
}

/** As heads.ts's lossAndGradient, for the mlp head on a dense pool: the mean loss; the gradient added into grads. */
export function denseMlpLossAndGradient(
  weights: Weights,
  grads: Weights,
  pool: DensePool,
  order: Int32Array,
  from: number,
  count: number,
  buffers: DenseMlpBuffers,
): number {
  const D = pool.dimension;
  const { w1, b1, w2 } = weights;
  const H = b1.length;
  const rows = 2 * count;
  // X [2P, D]: the chosen rows, then the rejected ones.
  const x = buffers.x.subarray(0, rows * D);
  for (let p = 0; p < count; p++) {
    const pair = order[from + p];
    x.set(pool.data.subarray(2 * pair * D, (2 * pair + 1) * D), p * D);
    x.set(pool.data.subarray((2 * pair + 1) * D, (2 * pair + 2) * D), (count + p) * D);
  }
  const xTensor = tf.tensor2d(x, [rows, D]);
  try {
    const pre = product(
      () => xTensor,
      () => tf.tensor2d(w1, [D, H]),
    );
    const rewards = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let h = 0; h < H; h++) {
        const a = pre[r * H + h] + b1[h];
        pre[r * H + h] = a;
        if (a > 0) sum += a * w2[h];
      }
      rewards[r] = sum;
    }
    let loss = 0;
    const dPreT = buffers.dPreT.subarray(0, H * rows);
    for (let p = 0; p < count; p++) {
      const margin = rewards[p] - rewards[count + p];
      loss += bradleyTerryLoss(margin);
      const d = bradleyTerryGradient(margin) / count;
      for (const [r, dr] of [
        [p, d],
        [count + p, -d],
      ]) {
        for (let h = 0; h < H; h++) {
          const a = pre[r * H + h];
          const g = a > 0 ? dr * w2[h] : 0;
          if (a > 0) grads.w2[h] += dr * a;
          grads.b1[h] += g;
          dPreT[h * rows + r] = g;
        }
      }
    }
    // ∂W1 = Xᵀ·∂pre, computed as (∂preᵀ·X)ᵀ: ∂preᵀ is small, and neither operand is transposed.
    const gT = product(
      () => tf.tensor2d(dPreT, [H, rows]),
      () => xTensor,
    );
    const gw1 = grads.w1;
    for (let h = 0; h < H; h++) {
      const row = h * D;
      for (let i = 0; i < D; i++) gw1[i * H + h] += gT[row + i];
    }
    return loss / count;
  } finally {
    xTensor.dispose();
  }
}
