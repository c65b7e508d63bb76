/** Adam's constants: tfjs's defaults (tf.train.adam), as the PyTorch reference of the bench uses too. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/**
 * One Adam step t (from 1) on a parameter, in place, for the gradient `grad` + 2λθ (the L2 penalty
 * λ·Σθ²'s gradient, folded in here so no pass of its own is needed; λ = 0 for biases):
 * m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  θ ← θ − lr·m̂ / (√v̂ + ε), with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
 * Exact over every weight, every step (the L2 term touches them all), in one fused pass: the bias
 * corrections folded into two scalars.
 */
export function adamStep(
  param: Float32Array,
  m: Float32Array,
  v: Float32Array,
  grad: Float32Array,
  lambda: number,
  step: number,
  learningRate: number,
): void {
  const { beta1, beta2, epsilon } = ADAM;
  const correction2 = Math.sqrt(1 - beta2 ** step);
  const stepSize = (learningRate * correction2) / (1 - beta1 ** step);
  const eps = epsilon * correction2;
  const decay = 2 * lambda;
  for (let i = 0; i < param.length; i++) {
    const theta = param[i];
    const g = grad[i] + decay * theta;
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = theta - (stepSize * mi) / (Math.sqrt(vi) + eps);
  }
}
