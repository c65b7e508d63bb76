import * as tf from "@tensorflow/tfjs-core";

/** Adam's constants: tfjs's defaults (tf.train.adam), so a hand-written step matches it. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** A parameter and its moments (a type, not an interface, so tf.tidy can return it). */
export type AdamSlot = { param: tf.Tensor; m: tf.Tensor; v: tf.Tensor };

/**
 * One Adam step t (from 1) for a parameter and its gradient:
 * m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  θ ← θ − lr·m̂ / (√v̂ + ε), with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
 * Folding the bias corrections into two scalars saves two passes over the parameters.
 */
export function adamStep(slot: AdamSlot, grad: tf.Tensor, step: number, learningRate: number): AdamSlot {
  const { beta1, beta2, epsilon } = ADAM;
  const m = tf.add(tf.mul(slot.m, beta1), tf.mul(grad, 1 - beta1));
  const v = tf.add(tf.mul(slot.v, beta2), tf.mul(tf.square(grad), 1 - beta2));
  const correction2 = Math.sqrt(1 - beta2 ** step);
  const stepSize = (learningRate * correction2) / (1 - beta1 ** step);
  const update = tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(v), epsilon * correction2));
  return { param: tf.sub(slot.param, update), m, v };
}
