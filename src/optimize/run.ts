import type { MethodName, OptimizeConfig } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import { deriveSeed } from "../runtime/random.js";
import { mean, sampleStd } from "../runtime/stats.js";
import { type BootstrapOptions, bootstrapTables, INTERVAL_LEVEL, type Interval } from "../stats/bootstrap.js";
import { wilsonInterval } from "../stats/proportion.js";
import {
  type BudgetMatch,
  klTiltedBetaGuess,
  matchKlBudget,
  varianceAwareBetaGuess,
  varianceAwareKlBetaGuess,
} from "./budget.js";
import { centre, type PromptEstimates, promptEstimates } from "./estimates.js";
import { isWorse, lowerCvar, promptImprovement, rewardScale } from "./evaluate.js";
import { methods as methodSpecs, type Solver } from "./methods.js";
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
  /** Held-out prompts each trial was evaluated on. */
  prompts: number;
  intervals: MetricIntervals;
}

/** 95% intervals of the statistics a claim uses (see OptimizeSummary.intervals for how). */
export interface MetricIntervals {
  meanImprovement: Interval;
  stdImprovement: Interval;
  risk: Interval;
  promptRisk: Interval;
}

export interface MethodSummary {
  budgets: ({ kl: number } & Metrics)[];
  betas: ({ beta: number } & Metrics)[];
}

/** A method minus the standard one, per budget and β: intervals of the differences of each statistic. */
export interface MethodDifference {
  versus: "standard";
  /** Whether trial t of both is the same reward model (same repeat and member): then trials are paired too. */
  pairedTrials: boolean;
  budgets: ({ kl: number } & MetricIntervals)[];
  betas: ({ beta: number } & MetricIntervals)[];
}

export interface OptimizeSummary {
  /** The candidate sets' data and how many were optimised over (set by the stage; absent in older runs). */
  source?: string;
  prompts?: number;
  methods: Partial<Record<MethodName, MethodSummary>>;
  /** Every method but standard, minus standard; the paired test behind variance-aware-lowers-risk. */
  differences: Partial<Record<MethodName, MethodDifference>>;
  intervals: { level: number; test: string; resamples: number };
}

export const INTERVAL_TEST =
  "two-way percentile bootstrap over trials and prompts (trials not resampled when there is one); " +
  "risk: the hull of that and the Wilson score interval of the trials with Δ < 0; " +
  "differences: paired over prompts, and over trials when both methods use the same reward models";

export interface OptimizeResult {
  summary: OptimizeSummary;
  trials: TrialRow[];
}

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
  bootstrap: BootstrapOptions = { seed: 1, resamples: 1000 },
): OptimizeResult {
  const steps = optimizationSteps(repeats, given, methodsGiven, bootstrap);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Trials done and to do, yielded after each trial by optimizationSteps. */
export interface TrialsDone {
  done: number;
  total: number;
  method: MethodName;
}

/** runOptimization one trial at a time: yields after each trial (for progress), returns the result. */
export function* optimizationSteps(
  repeats: readonly OptimizeInput[],
  given: OptimizeConfig,
  methodsGiven: readonly MethodName[],
  bootstrap: BootstrapOptions = { seed: 1, resamples: 1000 },
): Generator<TrialsDone, OptimizeResult> {
  if (repeats.length === 0) throw new Error("runOptimization needs at least one ensemble");
  // Duplicates would merge into one summary group with twice the trials.
  const config = { ...given, budgets: [...new Set(given.budgets)], betas: [...new Set(given.betas)] };
  const methods = [...new Set(methodsGiven)];
  const rows: TrialRow[] = [];
  const pooled = new Map<string, Float64Array[]>();
  const trialCount = new Map<MethodName, number>();
  let scales = new Float64Array(0);
  const validated = repeats.map((input, repeat) =>
    validate(input, repeat, methods).slice(0, config.maxPrompts),
  );
  const plans = validated.map((prompts, repeat) =>
    trialPlans(methods, config, repeat, prompts[0].memberScores.length),
  );
  const total = plans.reduce((sum, p) => sum + p.length, 0);
  let done = 0;
  for (const [repeat, prompts] of validated.entries()) {
    const prepared = prompts.map((p) => prepare(p, config));
    // Every repeat scores the same prompts, so their true-reward scales are the same.
    scales = Float64Array.from(prepared, (p) => p.scale);
    for (const plan of plans[repeat]) {
      const trial = trialCount.get(plan.method) ?? 0;
      trialCount.set(plan.method, trial + 1);
      for (const result of runTrial(plan, trial, prepared, config)) {
        rows.push(result.row);
        const key = groupKey(result.row);
        const list = pooled.get(key) ?? [];
        list.push(result.deltas);
        pooled.set(key, list);
      }
      done += 1;
      yield { done, total, method: plan.method };
    }
  }
  const tables = { rows, pooled, scales };
  return { summary: summarise(tables, methods, config, bootstrap), trials: rows };
}

function validate(input: OptimizeInput, repeat: number, methods: readonly MethodName[]): PromptScores[] {
  const where = `optimize (repeat ${repeat})`;
  if (input.prompts.length === 0) throw new UserError(`${where}: no prompts to optimise over`);
  const members = input.prompts[0].memberScores.length;
  const needVariance = methods.filter((m) => methodSpecs[m].needsVariance);
  if (needVariance.length > 0 && members < 2) {
    throw new UserError(`${where}: ${needVariance.join(" and ")} need rewardModel.members >= 2`);
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
  for (const method of methods) {
    const { perMember, estimate, solver } = methodSpecs[method];
    if (perMember && config.estimate === "member") {
      for (let m = 0; m < members; m++) {
        plans.push({ method, repeat, member: m, solver, estimate: (e) => e.members[m] });
      }
    } else plans.push({ method, repeat, member: null, solver, estimate });
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

/** Per-prompt Δ_x of every trial, grouped by method and setting, with each prompt's reward scale. */
interface Tables {
  rows: readonly TrialRow[];
  pooled: Map<string, Float64Array[]>;
  scales: Float64Array;
}

/**
 * On resampled trials (rows of `deltas`) and prompts: mean Δ, std of Δ over trials, risk P(Δ < 0) and
 * prompt-level risk, where a trial's Δ is its mean over the resampled prompts.
 */
function claimStatistics(
  deltas: readonly Float64Array[],
  scales: Float64Array,
  trials: Int32Array,
  prompts: Int32Array,
): number[] {
  const scale = scales.reduce((a, b) => Math.max(a, b), 0);
  const trialMeans = new Float64Array(trials.length);
  let worsePrompts = 0;
  let worseTrials = 0;
  trials.forEach((t, i) => {
    const d = deltas[t];
    let sum = 0;
    for (const x of prompts) {
      sum += d[x];
      if (isWorse(d[x], scales[x])) worsePrompts++;
    }
    trialMeans[i] = sum / prompts.length;
    if (isWorse(trialMeans[i], scale)) worseTrials++;
  });
  return [
    mean(trialMeans),
    sampleStd(trialMeans),
    worseTrials / trials.length,
    worsePrompts / (trials.length * prompts.length),
  ];
}

function asIntervals([meanImprovement, stdImprovement, risk, promptRisk]: Interval[]): MetricIntervals {
  return { meanImprovement, stdImprovement, risk, promptRisk };
}

/**
 * The intervals of a method's statistics at one budget from its table of per-prompt Δ_x (a row per trial),
 * by the two-way bootstrap over trials and prompts. With no (or every) trial below π0 the bootstrap
 * interval of the risk is a point; the Wilson interval of `worse` of n trials says how little n trials can
 * rule out, so the risk interval spans both.
 */
export function riskIntervals(
  deltas: readonly Float64Array[],
  scales: Float64Array,
  worse: number,
  bootstrap: BootstrapOptions,
): MetricIntervals {
  const intervals = asIntervals(
    bootstrapTables(
      [deltas.length],
      scales.length,
      (t, x) => claimStatistics(deltas, scales, t[0], x),
      bootstrap,
    ),
  );
  const wilson = wilsonInterval(worse, deltas.length);
  intervals.risk = {
    ...intervals.risk,
    lo: Math.min(intervals.risk.lo, wilson.lo),
    hi: Math.max(intervals.risk.hi, wilson.hi),
  };
  return intervals;
}

/**
 * Intervals of (method − standard) for each statistic from the two methods' tables of per-prompt Δ_x on the
 * same prompts: shared resamples of prompts, and of trials when `pairedTrials` (row t is the same reward
 * model in both).
 */
export function riskDifference(
  method: readonly Float64Array[],
  standard: readonly Float64Array[],
  scales: Float64Array,
  pairedTrials: boolean,
  bootstrap: BootstrapOptions,
): MetricIntervals {
  const intervals = bootstrapTables(
    [method.length, standard.length],
    scales.length,
    ([ta, tb], x) => {
      const sa = claimStatistics(method, scales, ta, x);
      const sb = claimStatistics(standard, scales, tb, x);
      return sa.map((v, i) => v - sb[i]);
    },
    { ...bootstrap, pairedRows: pairedTrials },
  );
  return asIntervals(intervals);
}

/** Summary statistics over the trials of one method and one budget (or β), with their intervals. */
function metrics(
  rows: readonly TrialRow[],
  deltas: readonly Float64Array[],
  scales: Float64Array,
  bootstrap: BootstrapOptions,
): Metrics {
  const improvements = rows.map((r) => r.improvement);
  const all = new Float64Array(deltas.reduce((n, d) => n + d.length, 0));
  let offset = 0;
  for (const d of deltas) {
    all.set(d, offset);
    offset += d.length;
  }
  const worse = rows.filter((r) => r.worse).length;
  const intervals = riskIntervals(deltas, scales, worse, bootstrap);
  return {
    trials: rows.length,
    meanImprovement: mean(improvements),
    stdImprovement: sampleStd(improvements),
    risk: worse / rows.length,
    promptRisk: mean(rows.map((r) => r.promptRisk)),
    cvar10: lowerCvar(all, 0.1),
    proxyImprovement: mean(rows.map((r) => r.proxyImprovement)),
    meanAchievedKl: mean(rows.map((r) => r.achievedKl)),
    unreachedPrompts: mean(rows.map((r) => r.unreachedPrompts)),
    prompts: scales.length,
    intervals,
  };
}

/** Intervals of (method − standard) for each statistic, from shared resamples of prompts (and trials when paired). */
function difference(
  tables: Tables,
  method: MethodName,
  config: OptimizeConfig,
  bootstrap: BootstrapOptions,
): MethodDifference {
  const trialsOf = (m: MethodName) => tables.rows.filter((r) => r.method === m);
  const identityOf = (m: MethodName) =>
    [...new Set(trialsOf(m).map((r) => `${r.repeat}/${r.member}/${r.trial}`))].join(",");
  const pairedTrials = identityOf(method) === identityOf("standard");
  const group = (form: TrialRow["form"], value: number) => {
    const key = (m: MethodName) => `${m}|${form}|${value}`;
    const a = tables.pooled.get(key(method)) ?? [];
    const b = tables.pooled.get(key("standard")) ?? [];
    const seed = deriveSeed(bootstrap.seed, "bootstrap", "optimize", "difference", key(method));
    return riskDifference(a, b, tables.scales, pairedTrials, { ...bootstrap, seed });
  };
  return {
    versus: "standard",
    pairedTrials,
    budgets: config.budgets.map((kl) => ({ kl, ...group("budget", kl) })),
    betas: config.betas.map((beta) => ({ beta, ...group("penalty", beta) })),
  };
}

function summarise(
  tables: Tables,
  methods: readonly MethodName[],
  config: OptimizeConfig,
  bootstrap: BootstrapOptions,
): OptimizeSummary {
  const summary: OptimizeSummary = {
    methods: {},
    differences: {},
    intervals: { level: INTERVAL_LEVEL, test: INTERVAL_TEST, resamples: bootstrap.resamples },
  };
  for (const method of methods) {
    const group = (form: TrialRow["form"], value: number) => {
      const key = `${method}|${form}|${value}`;
      const seed = deriveSeed(bootstrap.seed, "bootstrap", "optimize", key);
      return metrics(
        tables.rows.filter((r) => groupKey(r) === key),
        tables.pooled.get(key) ?? [],
        tables.scales,
        { ...bootstrap, seed },
      );
    };
    summary.methods[method] = {
      budgets: config.budgets.map((kl) => ({ kl, ...group("budget", kl) })),
      betas: config.betas.map((beta) => ({ beta, ...group("penalty", beta) })),
    };
  }
  if (methods.includes("standard")) {
    for (const method of methods) {
      if (method !== "standard") summary.differences[method] = difference(tables, method, config, bootstrap);
    }
  }
  return summary;
}
