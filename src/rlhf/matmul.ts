import * as tf from "@tensorflow/tfjs-core";

/**
 * a·b for 2-D a [n, k] and b [k, m], with a gradient that builds the transposes explicitly: dA = dY·bᵀ,
 * dB = aᵀ·dY. tfjs's own gradient asks for matMul(dY, b, false, true) and matMul(a, dY, true, false), and the
 * WebAssembly backend sends a matMul to XNNPACK only when no operand is transposed: the fallback loop is
 * tens of times slower (see src/reward-model/heads.ts).
 */
export const matMul = tf.customGrad((...inputs) => {
  const [a, b, save] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [x, w] = saved as tf.Tensor2D[];
      return [tf.matMul(dy, tf.transpose(w)), tf.matMul(tf.transpose(x), dy)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** Rows `ids` of `table` [N, d] as a one-hot product, so that the gradient needs no scatter (wasm lacks it). */
export function lookup(table: tf.Tensor2D, ids: Int32Array | number[]): tf.Tensor2D {
  const oneHot = tf.oneHot(tf.tensor1d(Int32Array.from(ids), "int32"), table.shape[0]);
  return matMul(tf.cast(oneHot, "float32") as tf.Tensor2D, table);
}
