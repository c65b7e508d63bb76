import type { MethodName, OptimizeConfig } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import { mean, sampleStd } from "../runtime/stats.js";
import {
  type BudgetMatch,
  klTiltedBetaGuess,
  matchKlBudget,
  varianceAwareBetaGuess,
  varianceAwareKlBetaGuess,
} from "./budget.js";
import { centre, type PromptEstimates, promptEstimates } from "./estimates.js";
import { isWorse, lowerCvar, promptImprovement, rewardScale } from "./evaluate.js";
import {
  klDivergence,
  relativeVarianceWeights,
  solveEuclidean,
  solveKlTilted,
  solveVarianceAware,
  solveVarianceAwareKl,
} from "./policy.js";

/** The pure core of `align optimize`: every method, trial, KL budget and penalty β on held-out prompts. */

export interface PromptScores {
  id: string;
  /** r*(x, y) per candidate. */
  trueRewards: number[];
  /** Raw reward-model scores, [member][candidate]. */
  memberScores: number[][];
}

/** One ensemble's scores on the held-out prompts; runOptimization takes one per repeat. */
export interface OptimizeInput {
  prompts: PromptScores[];
}

export interface TrialRow {
  method: MethodName;
  /** Numbered per method across repeats. */
  trial: number;
  repeat: number;
  /** The member whose scores were r̂, or null for the trials that use the whole ensemble. */
  member: number | null;
  /** "budget": β bisected per prompt to KL = budget; "penalty": one fixed β for every prompt. */
  form: "budget" | "penalty";
  budget: number | null;
  beta: number | null;
  /** Δ = J(π) − J(π0) under the true reward. */
  improvement: number;
  /** The same under the method's own reward estimate r̂. */
  proxyImprovement: number;
  /** Whether Δ < 0 (beyond rounding). */
  worse: boolean;
  /** Fraction of prompts with Δ_x < 0. */
  promptRisk: number;
  /** Mean over prompts of KL(π‖π0). */
  achievedKl: number;
  /** Fraction of prompts where the budget was beyond reach (0 in the penalty form). */
  unreachedPrompts: number;
}

export interface Metrics {
  trials: number;
  meanImprovement: number;
  /** Sample std of Δ over trials (0 for one trial). */
  stdImprovement: number;
  /** P(Δ < 0) over trials. */
  risk: number;
  /** Mean over trials of the fraction of prompts with Δ_x < 0. */
  promptRisk: number;
  /** Mean of the worst 10% of the per-prompt Δ_x, pooled over all trials and prompts. */
  cvar10: number;
  proxyImprovement: number;
  meanAchievedKl: number;
  unreachedPrompts: number;
}

export interface MethodSummary {
  budgets: ({ kl: number } & Metrics)[];
  betas: ({ beta: number } & Metrics)[];
}

export interface OptimizeSummary {
  methods: Partial<Record<MethodName, MethodSummary>>;
}

export interface OptimizeResult {
  summary: OptimizeSummary;
  trials: TrialRow[];
}

type Solver = "kl-tilted" | "variance-aware" | "variance-aware-kl" | "euclidean";

/** The methods that run one trial per member (or one on the ensemble mean), and the solver of each. */
const PER_MEMBER_SOLVERS: Partial<Record<MethodName, Solver>> = {
  standard: "kl-tilted",
  "variance-aware": "variance-aware",
  "variance-aware-kl": "variance-aware-kl",
  euclidean: "euclidean",
};

interface TrialPlan {
  method: MethodName;
  repeat: number;
  member: number | null;
  solver: Solver;
  estimate: (e: PromptEstimates) => number[];
}

interface PreparedPrompt {
  truth: number[];
  scale: number;
  estimates: PromptEstimates;
  /** w_i of the variance-aware KL form, from the ensemble variance and optimize.priorVariance. */
  weights: number[];
  pi0: number[];
}

/**
 * Runs `methods` on every repeat's ensemble. Rewards are centred per prompt and π0 is uniform. With
 * estimate = "member", standard and variance-aware run one trial per member (r̂ = that member's scores, σ²
 * always from the whole ensemble); with "mean" they run one trial on the ensemble mean. The ensemble
 * baselines (mean, worst-case, uncertainty-weighted) run one trial per repeat. At most config.maxPrompts
 * prompts (the first ones) of each repeat are used.
 */
export function runOptimization(
  repeats: readonly OptimizeInput[],
  given: OptimizeConfig,
  methodsGiven: readonly MethodName[],
): OptimizeResult {
  if (repeats.length === 0) throw new Error("runOptimization needs at least one ensemble");
  // Duplicates would merge into one summary group with twice the trials.
  const config = { ...given, budgets: [...new Set(given.budgets)], betas: [...new Set(given.betas)] };
  const methods = [...new Set(methodsGiven)];
  const rows: TrialRow[] = [];
  const pooled = new Map<string, Float64Array[]>();
  const trialCount = new Map<MethodName, number>();
  repeats.forEach((input, repeat) => {
    const prompts = validate(input, repeat, methods).slice(0, config.maxPrompts);
    const prepared = prompts.map((p) => prepare(p, config));
    for (const plan of trialPlans(methods, config, repeat, prompts[0].memberScores.length)) {
      const trial = trialCount.get(plan.method) ?? 0;
      trialCount.set(plan.method, trial + 1);
      for (const result of runTrial(plan, trial, prepared, config)) {
        rows.push(result.row);
        const key = groupKey(result.row);
        const list = pooled.get(key) ?? [];
        list.push(result.deltas);
        pooled.set(key, list);
      }
    }
  });
  return { summary: summarise(rows, pooled, methods, config), trials: rows };
}

function validate(input: OptimizeInput, repeat: number, methods: readonly MethodName[]): PromptScores[] {
  const where = `optimize (repeat ${repeat})`;
  if (input.prompts.length === 0) throw new UserError(`${where}: no prompts to optimise over`);
  const members = input.prompts[0].memberScores.length;
  const varianceMethods: MethodName[] = ["variance-aware", "variance-aware-kl", "uncertainty-weighted"];
  if (methods.some((m) => varianceMethods.includes(m)) && members < 2) {
    throw new UserError(`${where}: ${varianceMethods.join(", ")} need rewardModel.members >= 2`);
  }
  for (const p of input.prompts) {
    const k = p.trueRewards.length;
    if (k < 2) throw new UserError(`${where}: prompt ${p.id} has ${k} candidate(s); at least 2 are needed`);
    if (p.memberScores.length !== members || members === 0) {
      throw new UserError(
        `${where}: prompt ${p.id} has ${p.memberScores.length} member scores, expected ${members}`,
      );
    }
    const values = [p.trueRewards, ...p.memberScores];
    if (values.some((row) => row.length !== k)) {
      throw new UserError(`${where}: prompt ${p.id}: every member must score all ${k} candidates`);
    }
    if (values.some((row) => row.some((v) => !Number.isFinite(v)))) {
      throw new UserError(`${where}: prompt ${p.id} has a non-finite reward or score`);
    }
  }
  return input.prompts;
}

function prepare(p: PromptScores, config: OptimizeConfig): PreparedPrompt {
  const truth = centre(p.trueRewards);
  const k = truth.length;
  const estimates = promptEstimates(p.memberScores, config.varianceFloor, config.uncertaintyPenalty);
  return {
    truth,
    scale: rewardScale(truth),
    estimates,
    weights: relativeVarianceWeights(estimates.variance, config.priorVariance),
    pi0: new Array<number>(k).fill(1 / k),
  };
}

function trialPlans(
  methods: readonly MethodName[],
  config: OptimizeConfig,
  repeat: number,
  members: number,
): TrialPlan[] {
  const plans: TrialPlan[] = [];
  const ensemble = (method: MethodName, solver: Solver, estimate: TrialPlan["estimate"]) =>
    plans.push({ method, repeat, member: null, solver, estimate });
  for (const method of methods) {
    const solver = PER_MEMBER_SOLVERS[method];
    if (solver !== undefined) {
      if (config.estimate === "mean") ensemble(method, solver, (e) => e.mean);
      else {
        for (let m = 0; m < members; m++) {
          plans.push({ method, repeat, member: m, solver, estimate: (e) => e.members[m] });
        }
      }
    } else if (method === "mean") ensemble(method, "kl-tilted", (e) => e.mean);
    else if (method === "worst-case") ensemble(method, "kl-tilted", (e) => e.worst);
    else ensemble(method, "kl-tilted", (e) => e.weighted);
  }
  return plans;
}

function solveAt(solver: Solver, rHat: number[], p: PreparedPrompt, beta: number): number[] {
  if (solver === "kl-tilted") return solveKlTilted(rHat, p.pi0, beta);
  if (solver === "variance-aware-kl") return solveVarianceAwareKl(rHat, p.weights, p.pi0, beta);
  if (solver === "euclidean") return solveEuclidean(rHat, p.pi0, beta);
  return solveVarianceAware(rHat, p.estimates.variance, p.pi0, beta);
}

function betaGuess(solver: Solver, rHat: number[], p: PreparedPrompt, epsilon: number): number {
  if (solver === "kl-tilted") return klTiltedBetaGuess(rHat, p.pi0, epsilon);
  if (solver === "variance-aware-kl") return varianceAwareKlBetaGuess(rHat, p.weights, p.pi0, epsilon);
  const sigma2 = solver === "euclidean" ? rHat.map(() => 1) : p.estimates.variance;
  return varianceAwareBetaGuess(rHat, sigma2, p.pi0, epsilon);
}

function matchBudget(solver: Solver, rHat: number[], p: PreparedPrompt, epsilon: number): BudgetMatch {
  const betaStart = betaGuess(solver, rHat, p, epsilon);
  return matchKlBudget((beta) => solveAt(solver, rHat, p, beta), p.pi0, epsilon, { betaStart });
}

/** One trial: a row (and the per-prompt Δ_x) per budget, then per penalty β. */
function runTrial(
  plan: TrialPlan,
  trial: number,
  prompts: readonly PreparedPrompt[],
  config: OptimizeConfig,
): { row: TrialRow; deltas: Float64Array }[] {
  const settings = [
    ...config.budgets.map((budget) => ({ form: "budget" as const, budget, beta: null })),
    ...config.betas.map((beta) => ({ form: "penalty" as const, budget: null, beta })),
  ];
  const n = prompts.length;
  const deltas = settings.map(() => new Float64Array(n));
  const proxy = settings.map(() => new Float64Array(n));
  const kl = settings.map(() => new Float64Array(n));
  const unreached = settings.map(() => 0);
  let scale = 0;
  prompts.forEach((p, x) => {
    scale = Math.max(scale, p.scale);
    const rHat = plan.estimate(p.estimates);
    settings.forEach((s, j) => {
      let pi: number[];
      if (s.budget !== null) {
        const match = matchBudget(plan.solver, rHat, p, s.budget);
        pi = match.pi;
        kl[j][x] = match.kl;
        if (!match.reached) unreached[j]++;
      } else {
        pi = solveAt(plan.solver, rHat, p, s.beta);
        kl[j][x] = klDivergence(pi, p.pi0);
      }
      deltas[j][x] = promptImprovement(pi, p.pi0, p.truth);
      proxy[j][x] = promptImprovement(pi, p.pi0, rHat);
    });
  });
  return settings.map((s, j) => {
    const improvement = mean(deltas[j]);
    let worsePrompts = 0;
    prompts.forEach((p, x) => {
      if (isWorse(deltas[j][x], p.scale)) worsePrompts++;
    });
    const row: TrialRow = {
      method: plan.method,
      trial,
      repeat: plan.repeat,
      member: plan.member,
      form: s.form,
      budget: s.budget,
      beta: s.beta,
      improvement,
      proxyImprovement: mean(proxy[j]),
      worse: isWorse(improvement, scale),
      promptRisk: worsePrompts / n,
      achievedKl: mean(kl[j]),
      unreachedPrompts: unreached[j] / n,
    };
    return { row, deltas: deltas[j] };
  });
}

function groupKey(row: TrialRow): string {
  return `${row.method}|${row.form}|${row.budget ?? row.beta}`;
}

/** Summary statistics over the trials of one method and one budget (or β). */
function metrics(rows: readonly TrialRow[], deltas: readonly Float64Array[]): Metrics {
  const improvements = rows.map((r) => r.improvement);
  const all = new Float64Array(deltas.reduce((n, d) => n + d.length, 0));
  let offset = 0;
  for (const d of deltas) {
    all.set(d, offset);
    offset += d.length;
  }
  return {
    trials: rows.length,
    meanImprovement: mean(improvements),
    stdImprovement: sampleStd(improvements),
    risk: mean(rows.map((r) => (r.worse ? 1 : 0))),
    promptRisk: mean(rows.map((r) => r.promptRisk)),
    cvar10: lowerCvar(all, 0.1),
    proxyImprovement: mean(rows.map((r) => r.proxyImprovement)),
    meanAchievedKl: mean(rows.map((r) => r.achievedKl)),
    unreachedPrompts: mean(rows.map((r) => r.unreachedPrompts)),
  };
}

function summarise(
  rows: readonly TrialRow[],
  pooled: Map<string, Float64Array[]>,
  methods: readonly MethodName[],
  config: OptimizeConfig,
): OptimizeSummary {
  const summary: OptimizeSummary = { methods: {} };
  for (const method of methods) {
    const group = (form: TrialRow["form"], value: number) => {
      const key = `${method}|${form}|${value}`;
      return metrics(
        rows.filter((r) => groupKey(r) === key),
        pooled.get(key) ?? [],
      );
    };
    summary.methods[method] = {
      budgets: config.budgets.map((kl) => ({ kl, ...group("budget", kl) })),
      betas: config.betas.map((beta) => ({ beta, ...group("penalty", beta) })),
    };
  }
  return summary;
}
