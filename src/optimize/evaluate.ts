import { mean } from "../runtime/stats.js";
/** Evaluation of policies under a reward: improvements over the reference and the risk statistics of DESIGN.md. */

/**
 * A per-prompt or dataset improvement counts as negative below −NEGATIVE_TOLERANCE·scale: policies equal to π0
 * up to rounding (e.g. equal rewards) would otherwise count as worse than the reference at random.
 */
export const NEGATIVE_TOLERANCE = 1e-12;

/** Improvement of π over π0 on one prompt: Δ_x = Σ_y (π(y) − π0(y))·r(y). */
export function promptImprovement(
  pi: readonly number[],
  pi0: readonly number[],
  r: readonly number[],
): number {
  let delta = 0;
  for (let i = 0; i < r.length; i++) delta += (pi[i] - pi0[i]) * r[i];
  return delta;
}

/** Largest |r(y)|: the scale that NEGATIVE_TOLERANCE is relative to. */
export function rewardScale(r: readonly number[]): number {
  let scale = 0;
  for (const value of r) scale = Math.max(scale, Math.abs(value));
  return scale;
}

/** Δ < 0 beyond rounding: Δ < −NEGATIVE_TOLERANCE·scale. */
export function isWorse(delta: number, scale: number): boolean {
  return delta < -NEGATIVE_TOLERANCE * scale;
}

/** CVaR_α (lower tail): mean of the ⌈α·n⌉ smallest values. */
export function lowerCvar(values: Float64Array, alpha: number): number {
  const sorted = Float64Array.from(values).sort();
  const count = Math.max(1, Math.ceil(alpha * sorted.length));
  return mean(sorted.subarray(0, count));
}
