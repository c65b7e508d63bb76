import type { RlhfMethodName } from "../config/schema.js";
import { lowerCvar } from "../optimize/evaluate.js";
import { type MetricIntervals, riskDifference, riskIntervals } from "../optimize/run.js";
import { deriveSeed } from "../runtime/random.js";
import { mean, sampleStd } from "../runtime/stats.js";
import { type BootstrapOptions, INTERVAL_LEVEL } from "../stats/bootstrap.js";

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
  /** Held-out prompts behind each trial's Δ. */
  prompts: number;
  /** 95% intervals (two-way bootstrap over trials and prompts); absent when no trial reached this KL. */
  intervals?: MetricIntervals;
  /** Per reached trial: Δ, proxy Δ and the per-prompt Δ_x. */
  perTrial: {
    trial: number;
    member: number | null;
    improvement: number;
    proxyImprovement: number;
    promptDeltas: number[];
  }[];
}

/** Every trial's per-prompt Δ_x as the rows of a table, for the bootstrap. */
function deltaTable(perTrial: MatchedMetrics["perTrial"]): Float64Array[] {
  return perTrial.map((p) => Float64Array.from(p.promptDeltas));
}

/** Unit scales: gold rewards are of order one, so "Δ < 0 beyond rounding" needs no rescaling. */
function unitScales(prompts: number): Float64Array {
  return new Float64Array(prompts).fill(1);
}

export function matchedMetrics(
  trajectories: readonly Trajectory[],
  epsilon: number,
  bootstrap: BootstrapOptions,
): MatchedMetrics {
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
  const prompts = none ? 0 : perTrial[0].promptDeltas.length;
  const worse = improvements.filter((d) => d < 0).length;
  return {
    kl: epsilon,
    trials: perTrial.length,
    unreached,
    prompts,
    ...(none
      ? {}
      : { intervals: riskIntervals(deltaTable(perTrial), unitScales(prompts), worse, bootstrap) }),
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
  /** How the intervals were computed. */
  note: string;
  intervals: { level: number; test: string; resamples: number };
  sft: Record<string, unknown>;
  methods: Partial<
    Record<RlhfMethodName, { budgets: MatchedMetrics[]; final: Omit<Checkpoint, "delta" | "proxyDelta">[] }>
  >;
  /** Each method minus standard per matched KL: paired over prompts, and over trials when both reached KL with the same members. */
  differences: Partial<
    Record<
      RlhfMethodName,
      { versus: "standard"; pairedTrials: boolean; budgets: ({ kl: number } & MetricIntervals)[] }
    >
  >;
}

/** method − standard at each matched KL both reached, from the same prompts (and the same members, when paired). */
function differenceAt(method: MatchedMetrics, standard: MatchedMetrics, bootstrap: BootstrapOptions) {
  const members = (m: MatchedMetrics) => m.perTrial.map((p) => p.member).join(",");
  const pairedTrials = members(method) === members(standard);
  return {
    pairedTrials,
    intervals: riskDifference(
      deltaTable(method.perTrial),
      deltaTable(standard.perTrial),
      unitScales(standard.prompts),
      pairedTrials,
      bootstrap,
    ),
  };
}

export function summarise(
  trajectories: readonly Trajectory[],
  budgets: readonly number[],
  sft: Record<string, unknown>,
  bootstrap: BootstrapOptions,
): RlhfSummary {
  const methods: RlhfSummary["methods"] = {};
  const seedOf = (...parts: (string | number)[]) => deriveSeed(bootstrap.seed, "bootstrap", "rlhf", ...parts);
  for (const method of [...new Set(trajectories.map((t) => t.method))]) {
    const own = trajectories.filter((t) => t.method === method);
    methods[method] = {
      budgets: budgets.map((epsilon) =>
        matchedMetrics(own, epsilon, { ...bootstrap, seed: seedOf(method, epsilon) }),
      ),
      final: own.map((t) => {
        const { delta: _d, proxyDelta: _p, ...last } = t.checkpoints[t.checkpoints.length - 1];
        return last;
      }),
    };
  }
  const differences: RlhfSummary["differences"] = {};
  const standard = methods.standard;
  for (const [method, own] of Object.entries(methods) as [RlhfMethodName, (typeof methods)["standard"]][]) {
    if (method === "standard" || standard === undefined || own === undefined) continue;
    const paired = own.budgets.flatMap((b, i) => {
      const s = standard.budgets[i];
      if (b.trials === 0 || s.trials === 0) return [];
      return [
        { kl: b.kl, ...differenceAt(b, s, { ...bootstrap, seed: seedOf("difference", method, b.kl) }) },
      ];
    });
    differences[method] = {
      versus: "standard",
      pairedTrials: paired.every((p) => p.pairedTrials),
      budgets: paired.map((p) => ({ kl: p.kl, ...p.intervals })),
    };
  }
  return {
    note:
      "Intervals: two-way bootstrap over trials and held-out prompts of the per-prompt gold Δ_x at each matched KL " +
      "(the risk's interval spans the Wilson interval over trials); perTrial keeps the values behind them.",
    intervals: {
      level: INTERVAL_LEVEL,
      test: "bootstrap over trials and prompts",
      resamples: bootstrap.resamples,
    },
    sft,
    methods,
    differences,
  };
}
