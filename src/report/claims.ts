import type { ClaimId } from "../config/schema.js";
import type { DisagreementMetrics } from "../disagreement/stats.js";
import type { Metrics, OptimizeSummary } from "../optimize/run.js";
import type { SimulationSummary } from "../simulate/run.js";

/** A claim of the paper with its verdict on this run: null when the stage that tests it was not run. */
export interface Claim {
  id: ClaimId;
  statement: string;
  /** How the verdict is decided, in words. */
  criterion: string;
  holds: boolean | null;
  /** One line with the measured numbers that decide it. */
  measured: string;
  evidence: Record<string, unknown>;
}

export interface ClaimInputs {
  disagreement?: DisagreementMetrics;
  optimize?: OptimizeSummary;
  simulate?: SimulationSummary;
  disagreementThreshold: number;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function notMeasured(id: ClaimId, statement: string, criterion: string, stage: string): Claim {
  return {
    id,
    statement,
    criterion,
    holds: null,
    measured: `the ${stage} stage was not run`,
    evidence: {},
  };
}

/** Claim 1: members trained alike disagree substantially, in sign, on held-out pairs. */
export function disagreementClaim(metrics: DisagreementMetrics | undefined, threshold: number): Claim {
  const statement =
    "Reward models trained independently on the same data with the same hyperparameters disagree substantially.";
  const criterion = `members disagree in sign on at least ${pct(threshold)} of held-out pairs`;
  if (metrics === undefined) return notMeasured("rm-disagreement", statement, criterion, "disagreement");
  const rate = metrics.signDisagreementRate;
  return {
    id: "rm-disagreement",
    statement,
    criterion,
    holds: rate >= threshold,
    measured:
      `${metrics.members} members disagree in sign on ${pct(rate)} of ${metrics.pairs} pairs; ` +
      `mean pairwise flip rate ${pct(metrics.meanPairwiseFlipRate)}; ` +
      `mean Pearson r of centred rewards ${metrics.correlation.pearson.meanOffDiagonal.toFixed(3)}; ` +
      `accuracies ${metrics.accuracy.min.toFixed(3)}–${metrics.accuracy.max.toFixed(3)}`,
    evidence: {
      members: metrics.members,
      pairs: metrics.pairs,
      signDisagreementRate: rate,
      meanPairwiseFlipRate: metrics.meanPairwiseFlipRate,
      marginStdMean: metrics.marginStd.mean,
      pearsonMeanOffDiagonal: metrics.correlation.pearson.meanOffDiagonal,
      accuracy: { min: metrics.accuracy.min, max: metrics.accuracy.max, std: metrics.accuracy.std },
    },
  };
}

/** Claim 2: a policy optimised against one reward model can end worse than the reference under the true reward. */
export function overoptimisationClaim(summary: OptimizeSummary | undefined): Claim {
  const statement =
    "Optimising a policy against a single reward-model estimate can end worse than the reference policy under the true reward.";
  const criterion =
    "some trial of the standard method ends with true improvement Δ < 0 at some KL budget (dataset-level risk > 0)";
  const standard = summary?.methods.standard;
  if (standard === undefined)
    return notMeasured("overoptimisation-risk", statement, criterion, "optimize (standard)");
  const worst = standard.budgets.reduce((a, b) => (b.risk > a.risk ? b : a));
  const worstPrompt = standard.budgets.reduce((a, b) => (b.promptRisk > a.promptRisk ? b : a));
  return {
    id: "overoptimisation-risk",
    statement,
    criterion,
    holds: worst.risk > 0,
    measured:
      `largest risk P(Δ<0) ${pct(worst.risk)} (KL ${worst.kl}); ` +
      `prompt-level: up to ${pct(worstPrompt.promptRisk)} of prompts end worse (KL ${worstPrompt.kl})`,
    evidence: {
      budgets: standard.budgets.map((b) => ({
        kl: b.kl,
        risk: b.risk,
        promptRisk: b.promptRisk,
        meanImprovement: b.meanImprovement,
      })),
    },
  };
}

type Comparison = { kl: number; standard: Metrics; varianceAware: Metrics };

/** Claim 3: at matched KL, the variance-aware method is never riskier than the standard one, and sometimes less. */
export function varianceAwareClaim(summary: OptimizeSummary | undefined): Claim {
  const statement =
    "The variance-aware policy optimisation lowers the risk of ending worse than the reference policy, compared with the standard pipeline.";
  const criterion =
    "at every KL budget, variance-aware has risk and prompt-level risk no higher than standard, and strictly lower at one budget at least";
  const standard = summary?.methods.standard;
  const aware = summary?.methods["variance-aware"];
  if (standard === undefined || aware === undefined) {
    return notMeasured(
      "variance-aware-lowers-risk",
      statement,
      criterion,
      "optimize (standard and variance-aware)",
    );
  }
  const comparisons: Comparison[] = standard.budgets.flatMap((s) => {
    const v = aware.budgets.find((b) => b.kl === s.kl);
    return v === undefined ? [] : [{ kl: s.kl, standard: s, varianceAware: v }];
  });
  const notHigher = (c: Comparison) =>
    c.varianceAware.risk <= c.standard.risk && c.varianceAware.promptRisk <= c.standard.promptRisk;
  const lower = (c: Comparison) =>
    c.varianceAware.risk < c.standard.risk || c.varianceAware.promptRisk < c.standard.promptRisk;
  const failing = comparisons.filter((c) => !notHigher(c)).map((c) => c.kl);
  const holds = comparisons.length > 0 && failing.length === 0 && comparisons.some(lower);
  const count = (test: (c: Comparison) => boolean) =>
    `${comparisons.filter(test).length}/${comparisons.length}`;
  return {
    id: "variance-aware-lowers-risk",
    statement,
    criterion,
    holds,
    measured:
      `variance-aware vs standard over ${comparisons.length} budgets: ` +
      `prompt risk lower at ${count((c) => c.varianceAware.promptRisk < c.standard.promptRisk)}, ` +
      `higher at ${count((c) => c.varianceAware.promptRisk > c.standard.promptRisk)}; ` +
      `risk higher at ${count((c) => c.varianceAware.risk > c.standard.risk)}; ` +
      `std of Δ over trials lower at ${count((c) => c.varianceAware.stdImprovement < c.standard.stdImprovement)}; ` +
      `mean Δ lower at ${count((c) => c.varianceAware.meanImprovement < c.standard.meanImprovement)}` +
      (failing.length > 0 ? `; fails at KL ${failing.join(", ")}` : ""),
    evidence: {
      failingBudgets: failing,
      budgets: comparisons.map((c) => ({
        kl: c.kl,
        risk: { standard: c.standard.risk, varianceAware: c.varianceAware.risk },
        promptRisk: { standard: c.standard.promptRisk, varianceAware: c.varianceAware.promptRisk },
        meanImprovement: {
          standard: c.standard.meanImprovement,
          varianceAware: c.varianceAware.meanImprovement,
        },
        stdImprovement: {
          standard: c.standard.stdImprovement,
          varianceAware: c.varianceAware.stdImprovement,
        },
      })),
    },
  };
}

/** The theory: in the Gaussian model, the variance-aware risk is never above the standard one. */
export function theoryClaim(summary: SimulationSummary | undefined): Claim {
  const statement =
    "In the paper's theoretical model, the variance-aware regulariser's risk of ending worse than the reference is no higher than the standard one's.";
  const criterion =
    "closed form Φ(−‖r*‖_Σ⁻¹) ≤ Φ(−‖r*‖²/‖r*‖_Σ), and at every KL budget the Monte-Carlo risk of variance-aware ≤ standard + 2 standard errors of their difference";
  if (summary === undefined)
    return notMeasured("theory-variance-aware-risk", statement, criterion, "simulate");
  const failing = summary.budgets
    .filter(
      (b) =>
        b.varianceAware.risk >
        b.standard.risk + 2 * Math.hypot(b.varianceAware.standardError, b.standard.standardError),
    )
    .map((b) => b.kl);
  const closed = summary.closedForm;
  return {
    id: "theory-variance-aware-risk",
    statement,
    criterion,
    holds: closed.varianceAware <= closed.standard && failing.length === 0,
    measured:
      `closed forms ${pct(closed.varianceAware)} vs ${pct(closed.standard)}; Monte Carlo ` +
      summary.budgets
        .map((b) => `KL ${b.kl}: ${pct(b.varianceAware.risk)} vs ${pct(b.standard.risk)}`)
        .join("; ") +
      (failing.length > 0 ? `; higher at KL ${failing.join(", ")}` : ""),
    evidence: { closedForm: closed, failingBudgets: failing, budgets: summary.budgets },
  };
}

export function evaluateClaims(inputs: ClaimInputs): Claim[] {
  return [
    disagreementClaim(inputs.disagreement, inputs.disagreementThreshold),
    overoptimisationClaim(inputs.optimize),
    varianceAwareClaim(inputs.optimize),
    theoryClaim(inputs.simulate),
  ];
}
