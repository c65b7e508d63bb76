import type { RlhfMethodName } from "../config/schema.js";
import { lowerCvar } from "../optimize/evaluate.js";
import { mean, sampleStd } from "../runtime/stats.js";

/** Methods compared at matched KL along their PPO trajectories. */

export interface Checkpoint {
  iteration: number;
  /** Mean over held-out prompts of KL(π‖π0), exact per token, from M samples per prompt. */
  kl: number;
  /** Per held-out prompt: Δ_x = J_x(π) − J_x(π0) under the gold reward, and under the trial's r̂. */
  delta: number[];
  proxyDelta: number[];
  /** J(π) and its standard error over all samples. */
  gold: number;
  goldSe: number;
  proxy: number;
}

export interface Trajectory {
  method: RlhfMethodName;
  trial: number;
  member: number | null;
  /** Checkpoint 0 is π0 itself (KL 0, Δ 0). */
  checkpoints: Checkpoint[];
}

export interface MatchedPoint {
  delta: number[];
  proxyDelta: number[];
}

/**
 * Δ_x and proxy Δ_x of a trajectory at KL = ε, linear in KL between the two checkpoints around the first
 * crossing of ε; null when the run never reached ε.
 */
export function interpolateAtKl(checkpoints: readonly Checkpoint[], epsilon: number): MatchedPoint | null {
  for (let i = 1; i < checkpoints.length; i++) {
    const a = checkpoints[i - 1];
    const b = checkpoints[i];
    if (a.kl <= epsilon && b.kl >= epsilon) {
      const t = b.kl === a.kl ? 1 : (epsilon - a.kl) / (b.kl - a.kl);
      const mix = (u: number[], v: number[]) => u.map((x, j) => x + t * (v[j] - x));
      return { delta: mix(a.delta, b.delta), proxyDelta: mix(a.proxyDelta, b.proxyDelta) };
    }
  }
  return null;
}

export interface MatchedMetrics {
  kl: number;
  /** Trials that reached this KL, and those that did not (left out of every statistic below). */
  trials: number;
  unreached: number;
  meanImprovement: number | null;
  stdImprovement: number | null;
  /** P(Δ < 0) over trials. */
  risk: number | null;
  /** Mean over trials of the fraction of held-out prompts with Δ_x < 0 (includes the M-sample noise of Δ_x). */
  promptRisk: number | null;
  /** Mean of the worst 10% of Δ_x, pooled over trials and prompts. */
  cvar10: number | null;
  proxyImprovement: number | null;
  /** Per reached trial, for bootstrap intervals: Δ, proxy Δ and the per-prompt Δ_x. */
  perTrial: {
    trial: number;
    member: number | null;
    improvement: number;
    proxyImprovement: number;
    promptDeltas: number[];
  }[];
}

export function matchedMetrics(trajectories: readonly Trajectory[], epsilon: number): MatchedMetrics {
  const perTrial: MatchedMetrics["perTrial"] = [];
  let unreached = 0;
  for (const t of trajectories) {
    const point = interpolateAtKl(t.checkpoints, epsilon);
    if (point === null) {
      unreached++;
      continue;
    }
    perTrial.push({
      trial: t.trial,
      member: t.member,
      improvement: mean(point.delta),
      proxyImprovement: mean(point.proxyDelta),
      promptDeltas: point.delta,
    });
  }
  const none = perTrial.length === 0;
  const improvements = perTrial.map((p) => p.improvement);
  return {
    kl: epsilon,
    trials: perTrial.length,
    unreached,
    meanImprovement: none ? null : mean(improvements),
    stdImprovement: none ? null : sampleStd(improvements),
    risk: none ? null : mean(improvements.map((d) => (d < 0 ? 1 : 0))),
    promptRisk: none ? null : mean(perTrial.map((p) => mean(p.promptDeltas.map((d) => (d < 0 ? 1 : 0))))),
    cvar10: none ? null : lowerCvar(Float64Array.from(perTrial.flatMap((p) => p.promptDeltas)), 0.1),
    proxyImprovement: none ? null : mean(perTrial.map((p) => p.proxyImprovement)),
    perTrial,
  };
}

export interface RlhfSummary {
  /** Where 95% intervals come from: per-trial and per-prompt values are kept for a bootstrap. */
  note: string;
  sft: Record<string, unknown>;
  methods: Partial<
    Record<RlhfMethodName, { budgets: MatchedMetrics[]; final: Omit<Checkpoint, "delta" | "proxyDelta">[] }>
  >;
}

export function summarise(
  trajectories: readonly Trajectory[],
  budgets: readonly number[],
  sft: Record<string, unknown>,
): RlhfSummary {
  const methods: RlhfSummary["methods"] = {};
  for (const method of [...new Set(trajectories.map((t) => t.method))]) {
    const own = trajectories.filter((t) => t.method === method);
    methods[method] = {
      budgets: budgets.map((epsilon) => matchedMetrics(own, epsilon)),
      final: own.map((t) => {
        const { delta: _d, proxyDelta: _p, ...last } = t.checkpoints[t.checkpoints.length - 1];
        return last;
      }),
    };
  }
  return {
    note:
      "Intervals: perTrial holds each trial's Δ and per-prompt Δ_x at each matched KL for a bootstrap over " +
      "trials and prompts; no interval is computed here.",
    sft,
    methods,
  };
}
