import { mean, sampleVariance } from "../runtime/stats.js";

/**
 * Reward estimates for one prompt from the ensemble's score matrix scores[member][candidate]. Bradley-Terry
 * scores are defined only up to a shift per model, so every member's row is centred over the prompt's
 * candidates first; all statistics below are on those per-prompt-centred scores.
 */

/** Centred rewards: r_i − (1/K) Σ_j r_j. */
export function centre(r: readonly number[]): number[] {
  const centreOf = mean(r);
  return r.map((value) => value - centreOf);
}

/** The members' scores of candidate i: column i of scores[member][candidate]. */
function candidateColumn(scores: readonly (readonly number[])[], i: number): number[] {
  return scores.map((row) => row[i]);
}

/** Each member's scores centred over the candidates. */
export function centreMembers(scores: readonly (readonly number[])[]): number[][] {
  return scores.map(centre);
}

/** Ensemble mean per candidate: r̄_i = (1/M) Σ_m s_mi. */
export function ensembleMean(scores: readonly (readonly number[])[]): number[] {
  return scores[0].map((_, i) => mean(candidateColumn(scores, i)));
}

/** Sample variance per candidate, floored: σ_i² = max(floor, Σ_m (s_mi − r̄_i)² / (M − 1)). Needs M ≥ 2. */
export function ensembleVariance(scores: readonly (readonly number[])[], floor: number): number[] {
  if (scores.length < 2) throw new Error("ensemble variance needs at least two members");
  return scores[0].map((_, i) => Math.max(floor, sampleVariance(candidateColumn(scores, i))));
}

/** Worst case per candidate: min_m s_mi. */
export function ensembleMin(scores: readonly (readonly number[])[]): number[] {
  const min = [...scores[0]];
  for (const row of scores) for (let i = 0; i < row.length; i++) if (row[i] < min[i]) min[i] = row[i];
  return min;
}

/** Uncertainty-weighted reward: r̄_i − λ σ_i². */
export function uncertaintyWeighted(
  average: readonly number[],
  variance: readonly number[],
  lambda: number,
): number[] {
  return average.map((m, i) => m - lambda * variance[i]);
}

export interface PromptEstimates {
  /** Members' scores, each centred over the candidates. */
  members: number[][];
  mean: number[];
  variance: number[];
  worst: number[];
  weighted: number[];
}

/**
 * All estimates of one prompt from raw scores[member][candidate]. With a single member the variance is
 * undefined: it is then the floor, and callers must not run the variance-based methods (run.ts refuses).
 */
export function promptEstimates(
  scores: readonly (readonly number[])[],
  varianceFloor: number,
  lambda: number,
): PromptEstimates {
  const members = centreMembers(scores);
  const average = ensembleMean(members);
  const variance =
    members.length >= 2 ? ensembleVariance(members, varianceFloor) : average.map(() => varianceFloor);
  return {
    members,
    mean: average,
    variance,
    worst: ensembleMin(members),
    weighted: uncertaintyWeighted(average, variance, lambda),
  };
}
