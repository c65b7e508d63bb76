import * as tf from "@tensorflow/tfjs-core";
// tfjs-core registers no gradients; the umbrella package bundles them (and its node build loads in Node).
import "@tensorflow/tfjs";
import type { HeadParams } from "./params.js";

export type HeadVariables = Record<string, tf.Variable>;

export function toVariables(params: HeadParams): HeadVariables {
  return Object.fromEntries(
    Object.entries(params.tensors).map(([name, t]) => [
      name,
      tf.variable(tf.tensor(t.data, t.shape, "float32"), true, name),
    ]),
  );
}

export function fromVariables(template: HeadParams, variables: HeadVariables): HeadParams {
  const tensors = Object.fromEntries(
    Object.entries(variables).map(([name, v]) => [
      name,
      { shape: v.shape, data: v.dataSync() as Float32Array },
    ]),
  );
  return { ...template, tensors };
}

/** r(x) for a batch of dense feature rows x: [B, D] → [B]. Linear: x·w. MLP: relu(x·W1 + b1)·w2. */
export function forward(head: HeadParams["head"], v: Record<string, tf.Tensor>, x: tf.Tensor2D): tf.Tensor1D {
  if (head === "linear") return tf.squeeze(tf.matMul(x, v.w as tf.Tensor2D), [1]);
  const hidden = tf.relu(tf.add(tf.matMul(x, v.w1 as tf.Tensor2D), v.b1));
  return tf.squeeze(tf.matMul(hidden, v.w2 as tf.Tensor2D), [1]);
}

/**
 * Bradley-Terry loss: mean over pairs of softplus(−(r_chosen − r_rejected)) = −log σ(margin).
 * tfjs's softplus switches to its asymptotes for large |x|, so this is stable for any margin.
 */
export function bradleyTerryLoss(margins: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.softplus(tf.neg(margins))) as tf.Scalar;
}

/** L2 penalty λ·Σ w² over weight matrices (biases are not penalised). */
export function l2Penalty(v: Record<string, tf.Tensor>, lambda: number): tf.Scalar {
  const weights = Object.entries(v)
    .filter(([name]) => name.startsWith("w"))
    .map(([, t]) => tf.sum(tf.square(t)));
  return tf.mul(lambda, tf.addN(weights)) as tf.Scalar;
}
