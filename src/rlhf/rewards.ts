import type { FeaturesConfig, RlhfMethodName } from "../config/schema.js";
import { createFeaturizer } from "../features/featurizer.js";
import { createPoolBuilder } from "../features/pool.js";
import { ensembleMean, ensembleMin, ensembleVariance } from "../optimize/estimates.js";
import type { HeadParams } from "../reward-model/params.js";
import { scoreMembers } from "../reward-model/score.js";
import type { Scorer } from "./ppo.js";
import { responseText, type World } from "./world.js";

/**
 * Reward estimates of sampled responses from the ensemble. Bradley-Terry scores have a free shift per member,
 * so each member's score is centred by its mean over a fixed sample, the world's reference answers to the same
 * prompt; σ² is the sample variance of the centred scores across members (floored), σ̄²(x) its mean over that
 * reference sample, and w = (σ² + τ²)/(σ̄² + τ²) the variance-aware penalty weight.
 */

const VARIANCE_FLOOR = 1e-6;

/** Raw scores of responses under every member: result[m][b]. */
export function memberScores(
  members: HeadParams[],
  world: World,
  prompts: readonly number[],
  responses: readonly (readonly number[])[],
  features: FeaturesConfig,
): number[][] {
  const featurizer = createFeaturizer(features);
  const builder = createPoolBuilder(featurizer);
  for (const [b, r] of responses.entries()) {
    builder.add(featurizer.row(world.prompts[prompts[b]].text, responseText(world, r)));
  }
  return scoreMembers(members, builder.seal()).map((s) => Array.from(s));
}

export interface ReferenceStats {
  /** offset[x][m]: member m's mean raw score over the reference answers of prompt x. */
  offset: number[][];
  /** σ̄²(x): mean over the reference answers of x of the ensemble variance of centred scores. */
  meanVariance: number[];
}

export function referenceStats(
  members: HeadParams[],
  world: World,
  features: FeaturesConfig,
): ReferenceStats {
  const prompts = world.references.flatMap((refs, x) => refs.map(() => x));
  const scores = memberScores(members, world, prompts, world.references.flat(), features);
  const offset: number[][] = world.prompts.map(() => new Array<number>(members.length).fill(0));
  const counts = world.prompts.map(() => 0);
  prompts.forEach((x, b) => {
    counts[x]++;
    for (let m = 0; m < members.length; m++) offset[x][m] += scores[m][b];
  });
  offset.forEach((row, x) => {
    for (let m = 0; m < row.length; m++) row[m] /= counts[x];
  });
  const meanVariance = world.prompts.map(() => 0);
  const centred = scores.map((row, m) => row.map((s, b) => s - offset[prompts[b]][m]));
  const variance =
    members.length >= 2 ? ensembleVariance(centred, VARIANCE_FLOOR) : prompts.map(() => VARIANCE_FLOOR);
  prompts.forEach((x, b) => {
    meanVariance[x] += variance[b] / counts[x];
  });
  return { offset, meanVariance };
}

export interface Estimates {
  /** Centred member scores [m][b]. */
  members: number[][];
  mean: number[];
  variance: number[];
}

export function estimates(raw: number[][], prompts: readonly number[], stats: ReferenceStats): Estimates {
  const members = raw.map((row, m) => row.map((s, b) => s - stats.offset[prompts[b]][m]));
  const variance =
    members.length >= 2 ? ensembleVariance(members, VARIANCE_FLOOR) : prompts.map(() => VARIANCE_FLOOR);
  return { members, mean: ensembleMean(members), variance };
}

export interface TrialSpec {
  method: RlhfMethodName;
  /** The member whose score is r̂, or null for the ensemble estimates. */
  member: number | null;
}

/** r̂ and w of one trial, from the ensemble's estimates of a batch of responses. */
export function trialRewards(
  spec: TrialSpec,
  e: Estimates,
  prompts: readonly number[],
  stats: ReferenceStats,
  priorVariance: number,
  uncertaintyPenalty: number,
): { reward: number[]; weight: number[] } {
  const { method, member } = spec;
  let reward: number[];
  if (method === "worst-case") reward = ensembleMin(e.members);
  else if (method === "uncertainty-weighted")
    reward = e.mean.map((r, b) => r - uncertaintyPenalty * e.variance[b]);
  else reward = member === null ? e.mean : e.members[member];
  const tau2 = method === "variance-aware-raw" ? 0 : priorVariance;
  const weight =
    method === "variance-aware" || method === "variance-aware-raw"
      ? e.variance.map((s, b) => (s + tau2) / (stats.meanVariance[prompts[b]] + tau2))
      : reward.map(() => 1);
  return { reward, weight };
}

/** The PPO scorer of one trial. */
export function trialScorer(
  spec: TrialSpec,
  members: HeadParams[],
  world: World,
  stats: ReferenceStats,
  features: FeaturesConfig,
  priorVariance: number,
  uncertaintyPenalty: number,
): Scorer {
  return (prompts, responses) => {
    const e = estimates(memberScores(members, world, prompts, responses, features), prompts, stats);
    return trialRewards(spec, e, prompts, stats, priorVariance, uncertaintyPenalty);
  };
}
