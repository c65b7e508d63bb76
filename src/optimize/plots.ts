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
  };
}

function methodEntries(summary: OptimizeSummary) {
  return Object.entries(summary.methods) as [
    MethodName,
    NonNullable<OptimizeSummary["methods"][MethodName]>,
  ][];
}

/** Mean true improvement per method against the KL budget, with a band of ±1 std over trials. */
function improvementVsKl(summary: OptimizeSummary): TopLevelSpec {
  return lineChart({
    title: "True-reward improvement at matched KL",
    subtitle: "Δ = J(π) − J(π0); line: mean over trials; band: ±1 std",
    data: methodEntries(summary).flatMap(([method, s]) =>
      s.budgets.map((b) => ({
        series: method,
        x: b.kl,
        y: b.meanImprovement,
        lo: b.meanImprovement - b.stdImprovement,
        hi: b.meanImprovement + b.stdImprovement,
        details: { trials: b.trials },
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
    subtitle: "fraction of prompts with Δₓ < 0, mean over trials",
    data: methodEntries(summary).flatMap(([method, s]) =>
      s.budgets.map((b) => ({
        series: method,
        x: b.kl,
        y: b.promptRisk,
        details: { "risk P(Δ < 0) over trials": b.risk },
      })),
    ),
    xTitle: KL_AXIS,
    yTitle: "prompt-level risk P(Δₓ < 0) (% of prompts)",
    logX: true,
    seriesTitle: METHOD,
    yZero: true,
    yFormat: "%",
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
