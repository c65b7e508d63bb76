import type { TopLevelSpec } from "vega-lite";
import { lineChart } from "../plots/charts.js";
import type { RiskEstimate, SimulationSummary } from "./run.js";

/** Vega-lite specs of the theory simulation, keyed by file name (without extension). */

const RISK_AXIS = "risk P(Δ < 0) (% of draws)";
// Without a bootstrap interval (metrics from an older align), error bars span ±2 standard errors.
const BAR = 2;

export function simulatePlots(summary: SimulationSummary): Record<string, TopLevelSpec> {
  return { "risk-vs-kl": riskVsKl(summary), "risk-vs-members": riskVsMembers(summary) };
}

/** A Monte-Carlo risk with its 95% bootstrap interval (else ±2 s.e., clipped to the probabilities [0, 1]). */
function withInterval({ risk, standardError, interval }: RiskEstimate) {
  if (interval !== undefined) return { y: risk, lo: interval.lo, hi: interval.hi };
  return {
    y: risk,
    lo: Math.max(0, risk - BAR * standardError),
    hi: Math.min(1, risk + BAR * standardError),
  };
}

/** Monte-Carlo risk of both methods against the KL budget, with the linearised closed forms as reference lines. */
function riskVsKl(summary: SimulationSummary): TopLevelSpec {
  return lineChart({
    title: `Risk of ending worse than π0 (K = ${summary.responses}, ${summary.instances} × ${summary.draws} draws)`,
    subtitle:
      "Monte Carlo, 95% bootstrap interval over instances; dashed: closed forms of the linearised problem, averaged over instances",
    data: summary.budgets.flatMap((b) => [
      { series: "standard (KL)", x: b.kl, ...withInterval(b.standard) },
      { series: "variance-aware (Σ known)", x: b.kl, ...withInterval(b.varianceAware) },
    ]),
    xTitle: "KL budget ε = KL(π‖π0) (nats)",
    yTitle: RISK_AXIS,
    logX: true,
    seriesTitle: "Monte Carlo",
    interval: "bars",
    yZero: true,
    yFormat: "%",
    references: {
      title: "closed form",
      lines: [
        { label: "standard: Φ(−‖r*‖²/‖r*‖_Σ)", value: summary.closedForm.standard },
        { label: "variance-aware: Φ(−min_c ‖r* − c1‖_Σ⁻¹)", value: summary.closedForm.varianceAware },
        {
          label: "variance-aware, no Σπ = 1: Φ(−‖r*‖_Σ⁻¹)",
          value: summary.closedForm.varianceAwareUnconstrained,
        },
      ],
    },
  });
}

/** Risk of the variance-aware method with Σ estimated from N members, per budget, beside Σ known. */
function riskVsMembers(summary: SimulationSummary): TopLevelSpec {
  return lineChart({
    title: "Variance-aware risk with Σ estimated from N reward models",
    subtitle: "r̂ = one member, Σ̂ = sample variance of all N; 95% bootstrap interval; dashed: Σ known",
    data: summary.estimatedSigma.flatMap((e) =>
      e.budgets.map((b) => ({ series: `ε = ${b.kl}`, x: e.members, ...withInterval(b) })),
    ),
    xTitle: "ensemble size N (reward models)",
    yTitle: RISK_AXIS,
    logX: true,
    seriesTitle: "KL budget (nats)",
    interval: "bars",
    yZero: true,
    yFormat: "%",
    references: {
      title: "reference",
      lines: summary.budgets.map((b) => ({
        label: "Σ known",
        value: b.varianceAware.risk,
        series: `ε = ${b.kl}`,
      })),
    },
  });
}
