import type { TopLevelSpec } from "vega-lite";
import type { MethodName } from "../config/schema.js";
import { histogram, lineChart, scatter } from "../plots/charts.js";
import type { OptimizeSummary, TrialRow } from "./run.js";

/** Vega-lite specs of the policy-optimisation study, keyed by file name (without extension). */

const KL_AXIS = "KL budget ε = KL(π‖π0) (nats)";
const IMPROVEMENT_AXIS = "true improvement Δ (true-reward units)";
const METHOD = "method";

export function optimizePlots(
  summary: OptimizeSummary,
  trials: readonly TrialRow[],
): Record<string, TopLevelSpec> {
  return {
    "improvement-vs-kl": improvementVsKl(summary),
    "proxy-vs-true": proxyVsTrue(trials),
    "risk-vs-kl": riskVsKl(summary),
    "improvement-histogram": improvementHistogram(trials),
    "improvement-vs-beta": improvementVsBeta(summary),
    "risk-difference-vs-kl": riskDifferenceVsKl(summary),
  };
}

function methodEntries(summary: OptimizeSummary) {
  return Object.entries(summary.methods) as [
    MethodName,
    NonNullable<OptimizeSummary["methods"][MethodName]>,
  ][];
}

/** Mean true improvement per method against the KL budget, with the 95% interval of the mean as a band. */
function improvementVsKl(summary: OptimizeSummary): TopLevelSpec {
  return lineChart({
    title: "True-reward improvement at matched KL",
    subtitle:
      "Δ = J(π) − J(π0); line: mean over trials; band: 95% bootstrap interval over trials and prompts",
    data: methodEntries(summary).flatMap(([method, s]) =>
      s.budgets.map((b) => ({
        series: method,
        x: b.kl,
        y: b.meanImprovement,
        lo: b.intervals?.meanImprovement.lo,
        hi: b.intervals?.meanImprovement.hi,
        details: { trials: b.trials, "std of Δ over trials": b.stdImprovement },
      })),
    ),
    xTitle: KL_AXIS,
    yTitle: IMPROVEMENT_AXIS,
    logX: true,
    seriesTitle: METHOD,
    yZero: true,
  });
}

/** Proxy (the method's own reward estimate) against true improvement per trial and budget; y = x marks no over-optimisation. */
function proxyVsTrue(trials: readonly TrialRow[]): TopLevelSpec {
  return scatter({
    title: "Proxy vs true improvement",
    subtitle: "one point per trial and KL budget",
    data: trials
      .filter((t) => t.form === "budget")
      .map((t) => ({
        series: t.method,
        x: t.improvement,
        y: t.proxyImprovement,
        size: t.budget ?? undefined,
        details: { trial: t.trial },
      })),
    xTitle: IMPROVEMENT_AXIS,
    yTitle: "proxy improvement (reward-model units)",
    diagonal: true,
    seriesTitle: METHOD,
    sizeTitle: "KL budget ε (nats)",
  });
}

/** Prompt-level risk (mean over trials of the fraction of prompts made worse) against the KL budget. */
function riskVsKl(summary: OptimizeSummary): TopLevelSpec {
  return lineChart({
    title: "Prompt-level risk at matched KL",
    subtitle: "fraction of prompts with Δₓ < 0, mean over trials; bars: 95% bootstrap interval",
    data: methodEntries(summary).flatMap(([method, s]) =>
      s.budgets.map((b) => ({
        series: method,
        x: b.kl,
        y: b.promptRisk,
        lo: b.intervals?.promptRisk.lo,
        hi: b.intervals?.promptRisk.hi,
        details: { "risk P(Δ < 0) over trials": b.risk },
      })),
    ),
    xTitle: KL_AXIS,
    yTitle: "prompt-level risk P(Δₓ < 0) (% of prompts)",
    logX: true,
    seriesTitle: METHOD,
    interval: "bars",
    yZero: true,
    yFormat: "%",
  });
}

/** Each method's prompt-level risk minus the standard one's, with its paired 95% interval: below 0 is lower risk. */
function riskDifferenceVsKl(summary: OptimizeSummary): TopLevelSpec {
  const entries = Object.entries(summary.differences ?? {}) as [
    MethodName,
    NonNullable<OptimizeSummary["differences"][MethodName]>,
  ][];
  return lineChart({
    title: "Prompt-level risk minus the standard method's, at matched KL",
    subtitle: "paired over prompts (and trials, when the same reward models); bars: 95% bootstrap interval",
    data: entries.flatMap(([method, d]) =>
      d.budgets.map((b) => ({
        series: `${method} − standard`,
        x: b.kl,
        y: b.promptRisk.estimate,
        lo: b.promptRisk.lo,
        hi: b.promptRisk.hi,
        details: { "paired trials": d.pairedTrials ? "yes" : "no" },
      })),
    ),
    xTitle: KL_AXIS,
    yTitle: "difference in prompt-level risk (percentage points of prompts)",
    logX: true,
    seriesTitle: "difference",
    interval: "bars",
    yZero: true,
    yFormat: "%",
    references: { title: "reference", lines: [{ label: "no difference", value: 0 }] },
  });
}

/** Histogram of per-trial true improvements at the middle KL budget. */
function improvementHistogram(trials: readonly TrialRow[]): TopLevelSpec {
  const budgets = [...new Set(trials.flatMap((t) => (t.budget === null ? [] : [t.budget])))].sort(
    (a, b) => a - b,
  );
  const middle = budgets[Math.floor((budgets.length - 1) / 2)];
  return histogram({
    title: `Per-trial true improvement at KL budget ε = ${middle} nats`,
    subtitle: "Δ = J(π) − J(π0) per trial",
    data: trials.filter((t) => t.budget === middle).map((t) => ({ series: t.method, value: t.improvement })),
    xTitle: IMPROVEMENT_AXIS,
    yTitle: "trials (count)",
    seriesTitle: METHOD,
  });
}

/** Penalty form: mean true improvement against a fixed β shared by all prompts. */
function improvementVsBeta(summary: OptimizeSummary): TopLevelSpec {
  return lineChart({
    title: "True-reward improvement against the penalty β",
    subtitle: "one β for all prompts; compare methods at matched KL instead, β's scale differs between them",
    data: methodEntries(summary).flatMap(([method, s]) =>
      s.betas.map((b) => ({
        series: method,
        x: b.beta,
        y: b.meanImprovement,
        details: { "mean achieved KL (nats)": b.meanAchievedKl },
      })),
    ),
    xTitle: "penalty strength β (KL: reward units; variance-aware: 1/reward units)",
    yTitle: IMPROVEMENT_AXIS,
    logX: true,
    seriesTitle: METHOD,
    yZero: true,
  });
}
