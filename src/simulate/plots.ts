import type { TopLevelSpec } from "vega-lite";
import type { SimulationSummary } from "./run.js";

/** Vega-lite specs of the theory simulation, keyed by file name (without extension). */

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
const SIZE = { width: 480, height: 300 };
const RISK_AXIS = "risk P(Δ < 0) (% of draws)";
const MONTE_CARLO = {
  field: "method",
  type: "nominal",
  title: "Monte Carlo",
  legend: { labelLimit: 300 },
} as const;
// Error bars span ±2 standard errors of the Monte-Carlo estimate.
const BAR = 2;

export function simulatePlots(summary: SimulationSummary): Record<string, TopLevelSpec> {
  return { "risk-vs-kl": riskVsKl(summary), "risk-vs-members": riskVsMembers(summary) };
}

/** Monte-Carlo risk of both methods against the KL budget, with the linearised closed forms as reference lines. */
function riskVsKl(summary: SimulationSummary): TopLevelSpec {
  const points = summary.budgets.flatMap((b) =>
    (
      [
        ["standard (KL)", b.standard],
        ["variance-aware (Σ known)", b.varianceAware],
      ] as const
    ).map(([method, r]) => ({
      method,
      kl: b.kl,
      risk: r.risk,
      lower: Math.max(0, r.risk - BAR * r.standardError),
      upper: Math.min(1, r.risk + BAR * r.standardError),
    })),
  );
  const references = [
    { formula: "standard: Φ(−‖r*‖²/‖r*‖_Σ)", risk: summary.closedForm.standard },
    { formula: "variance-aware: Φ(−min_c ‖r* − c1‖_Σ⁻¹)", risk: summary.closedForm.varianceAware },
    {
      formula: "variance-aware, no Σπ = 1: Φ(−‖r*‖_Σ⁻¹)",
      risk: summary.closedForm.varianceAwareUnconstrained,
    },
  ];
  const x = {
    field: "kl",
    type: "quantitative",
    scale: { type: "log" },
    title: "KL budget ε = KL(π‖π0) (nats)",
  } as const;
  return {
    $schema: SCHEMA,
    title: {
      text: `Risk of ending worse than π0 (K = ${summary.responses}, ${summary.instances} × ${summary.draws} draws)`,
      subtitle:
        "Monte Carlo ±2 s.e.; dashed: closed forms of the linearised problem, averaged over instances",
    },
    ...SIZE,
    layer: [
      {
        data: { values: points },
        mark: { type: "errorbar", ticks: true },
        encoding: {
          x,
          y: { field: "lower", type: "quantitative", title: RISK_AXIS },
          y2: { field: "upper" },
          color: MONTE_CARLO,
        },
      },
      {
        data: { values: points },
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { field: "risk", type: "quantitative", axis: { format: "%" }, title: RISK_AXIS },
          color: MONTE_CARLO,
          tooltip: [
            { field: "method" },
            { field: "kl" },
            { field: "risk" },
            { field: "lower" },
            { field: "upper" },
          ],
        },
      },
      {
        data: { values: references },
        mark: { type: "rule", color: "gray" },
        encoding: {
          y: { field: "risk", type: "quantitative" },
          strokeDash: {
            field: "formula",
            type: "nominal",
            title: "closed form",
            legend: { labelLimit: 400 },
          },
          tooltip: [{ field: "formula" }, { field: "risk" }],
        },
      },
    ],
  };
}

/** Risk of the variance-aware method with Σ estimated from N members, per budget, beside Σ known. */
function riskVsMembers(summary: SimulationSummary): TopLevelSpec {
  const estimated = summary.estimatedSigma.flatMap((e) =>
    e.budgets.map((b) => ({
      budget: `ε = ${b.kl}`,
      members: e.members,
      risk: b.risk,
      lower: Math.max(0, b.risk - BAR * b.standardError),
      upper: Math.min(1, b.risk + BAR * b.standardError),
    })),
  );
  const known = summary.budgets.map((b) => ({ budget: `ε = ${b.kl}`, risk: b.varianceAware.risk }));
  const color = { field: "budget", type: "nominal", title: "KL budget (nats)" } as const;
  const x = {
    field: "members",
    type: "quantitative",
    scale: { type: "log", nice: false },
    title: "ensemble size N (reward models)",
  } as const;
  return {
    $schema: SCHEMA,
    title: {
      text: "Variance-aware risk with Σ estimated from N reward models",
      subtitle: "r̂ = one member, Σ̂ = sample variance of all N; ±2 s.e.; dashed: Σ known",
    },
    ...SIZE,
    layer: [
      {
        data: { values: estimated },
        mark: { type: "errorbar", ticks: true },
        encoding: {
          x,
          y: { field: "lower", type: "quantitative", title: RISK_AXIS },
          y2: { field: "upper" },
          color,
        },
      },
      {
        data: { values: estimated },
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { field: "risk", type: "quantitative", axis: { format: "%" }, title: RISK_AXIS },
          color,
          tooltip: [{ field: "budget" }, { field: "members" }, { field: "risk" }],
        },
      },
      {
        data: { values: known },
        mark: { type: "rule", strokeDash: [6, 4] },
        encoding: { y: { field: "risk", type: "quantitative" }, color },
      },
    ],
  };
}
