import type { TopLevelSpec } from "vega-lite";
import type { MethodName } from "../config/schema.js";
import type { OptimizeSummary, TrialRow } from "./run.js";

/** Vega-lite specs of the policy-optimisation study, keyed by file name (without extension). */

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
const SIZE = { width: 480, height: 300 };
const KL_AXIS = "KL budget ε = KL(π‖π0) (nats)";
const IMPROVEMENT_AXIS = "true improvement Δ (true-reward units)";
// Opaque legend symbols (the band layer is translucent) and untruncated method names.
const METHOD = {
  field: "method",
  type: "nominal",
  title: "method",
  legend: { labelLimit: 300, symbolOpacity: 1 },
} as const;

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
  const values = methodEntries(summary).flatMap(([method, s]) =>
    s.budgets.map((b) => ({
      method,
      kl: b.kl,
      mean: b.meanImprovement,
      lower: b.meanImprovement - b.stdImprovement,
      upper: b.meanImprovement + b.stdImprovement,
      trials: b.trials,
    })),
  );
  return {
    $schema: SCHEMA,
    title: {
      text: "True-reward improvement at matched KL",
      subtitle: "Δ = J(π) − J(π0); line: mean over trials; band: ±1 std",
    },
    ...SIZE,
    data: { values },
    encoding: {
      x: { field: "kl", type: "quantitative", scale: { type: "log" }, title: KL_AXIS },
      color: METHOD,
    },
    layer: [
      {
        mark: { type: "errorband", opacity: 0.25 },
        encoding: {
          y: { field: "lower", type: "quantitative", title: IMPROVEMENT_AXIS },
          y2: { field: "upper" },
        },
      },
      {
        mark: { type: "line", point: true },
        encoding: {
          y: { field: "mean", type: "quantitative", title: IMPROVEMENT_AXIS },
          tooltip: [{ field: "method" }, { field: "kl" }, { field: "mean" }, { field: "trials" }],
        },
      },
    ],
  };
}

/** Proxy (the method's own reward estimate) against true improvement per trial and budget; y = x marks no over-optimisation. */
function proxyVsTrue(trials: readonly TrialRow[]): TopLevelSpec {
  const values = trials
    .filter((t) => t.form === "budget")
    .map((t) => ({
      method: t.method,
      trial: t.trial,
      budget: t.budget,
      true: t.improvement,
      proxy: t.proxyImprovement,
    }));
  const all = values.flatMap((v) => [v.true, v.proxy]);
  const diagonal = [{ v: Math.min(0, ...all) }, { v: Math.max(0, ...all) }];
  return {
    $schema: SCHEMA,
    title: {
      text: "Proxy vs true improvement",
      subtitle: "one point per trial and KL budget; dashed: proxy = true",
    },
    ...SIZE,
    layer: [
      {
        data: { values: diagonal },
        mark: { type: "line", color: "gray", strokeDash: [4, 4] },
        encoding: {
          x: { field: "v", type: "quantitative", title: IMPROVEMENT_AXIS },
          y: { field: "v", type: "quantitative", title: "proxy improvement (reward-model units)" },
        },
      },
      {
        data: { values },
        mark: { type: "point", filled: true, opacity: 0.7 },
        encoding: {
          x: { field: "true", type: "quantitative" },
          y: { field: "proxy", type: "quantitative" },
          color: METHOD,
          size: { field: "budget", type: "ordinal", title: "KL budget ε (nats)" },
          tooltip: [
            { field: "method" },
            { field: "trial" },
            { field: "budget" },
            { field: "true" },
            { field: "proxy" },
          ],
        },
      },
    ],
  };
}

/** Prompt-level risk (mean over trials of the fraction of prompts made worse) against the KL budget. */
function riskVsKl(summary: OptimizeSummary): TopLevelSpec {
  const values = methodEntries(summary).flatMap(([method, s]) =>
    s.budgets.map((b) => ({ method, kl: b.kl, promptRisk: b.promptRisk, risk: b.risk })),
  );
  return {
    $schema: SCHEMA,
    title: {
      text: "Prompt-level risk at matched KL",
      subtitle: "fraction of prompts with Δₓ < 0, mean over trials",
    },
    ...SIZE,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "kl", type: "quantitative", scale: { type: "log" }, title: KL_AXIS },
      y: {
        field: "promptRisk",
        type: "quantitative",
        axis: { format: "%" },
        title: "prompt-level risk P(Δₓ < 0) (% of prompts)",
      },
      color: METHOD,
      tooltip: [{ field: "method" }, { field: "kl" }, { field: "promptRisk" }, { field: "risk" }],
    },
  };
}

/** Histogram of per-trial true improvements at the middle KL budget. */
function improvementHistogram(trials: readonly TrialRow[]): TopLevelSpec {
  const budgets = [...new Set(trials.flatMap((t) => (t.budget === null ? [] : [t.budget])))].sort(
    (a, b) => a - b,
  );
  const middle = budgets[Math.floor((budgets.length - 1) / 2)];
  const values = trials
    .filter((t) => t.budget === middle)
    .map((t) => ({ method: t.method, improvement: t.improvement }));
  return {
    $schema: SCHEMA,
    title: {
      text: `Per-trial true improvement at KL budget ε = ${middle} nats`,
      subtitle: "Δ = J(π) − J(π0) per trial; bars overlaid, not stacked",
    },
    ...SIZE,
    data: { values },
    mark: { type: "bar", opacity: 0.6 },
    encoding: {
      x: { field: "improvement", type: "quantitative", bin: { maxbins: 30 }, title: IMPROVEMENT_AXIS },
      y: { aggregate: "count", type: "quantitative", stack: null, title: "trials (count)" },
      color: METHOD,
    },
  };
}

/** Penalty form: mean true improvement against a fixed β shared by all prompts. */
function improvementVsBeta(summary: OptimizeSummary): TopLevelSpec {
  const values = methodEntries(summary).flatMap(([method, s]) =>
    s.betas.map((b) => ({ method, beta: b.beta, mean: b.meanImprovement, kl: b.meanAchievedKl })),
  );
  return {
    $schema: SCHEMA,
    title: {
      text: "True-reward improvement against the penalty β",
      subtitle:
        "one β for all prompts; compare methods at matched KL instead, β's scale differs between them",
    },
    ...SIZE,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "beta",
        type: "quantitative",
        scale: { type: "log" },
        title: "penalty strength β (KL: reward units; variance-aware: 1/reward units)",
      },
      y: { field: "mean", type: "quantitative", title: IMPROVEMENT_AXIS },
      color: METHOD,
      tooltip: [{ field: "method" }, { field: "beta" }, { field: "mean" }, { field: "kl" }],
    },
  };
}
