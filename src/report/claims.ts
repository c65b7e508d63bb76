import type { ClaimId } from "../config/schema.js";
import type { DisagreementMetrics } from "../disagreement/stats.js";
import type { Metrics, OptimizeSummary } from "../optimize/run.js";
import type { MatchedMetrics, RlhfSummary } from "../rlhf/summary.js";
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
  /** The study the verdict rests on: "candidate sets" (optimize), "generative policy" (rlhf), or the stage's own. */
  study?: string;
}

export interface ClaimInputs {
  disagreement?: DisagreementMetrics;
  optimize?: OptimizeSummary;
  simulate?: SimulationSummary;
  rlhf?: RlhfSummary;
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

const num = (x: number | null) => (x === null ? "n/a" : x.toFixed(3));

/** Claim 2 on the generative policy: some standard PPO trial ends below π0 under the gold reward at a matched KL. */
export function rlhfOveroptimisationClaim(summary: RlhfSummary): Claim {
  const statement =
    "Optimising a policy against a single reward-model estimate can end worse than the reference policy under the true reward.";
  const criterion =
    "some standard PPO trial has gold improvement Δ < 0 at some matched KL (risk > 0); over-optimisation shown as the gold peak against the last checkpoint";
  const standard = summary.methods.standard;
  if (standard === undefined) {
    return {
      ...notMeasured("overoptimisation-risk", statement, criterion, "rlhf (standard)"),
      study: "generative policy",
    };
  }
  const reached = standard.budgets.filter((b) => b.risk !== null);
  const worst = reached.reduce<MatchedMetrics | undefined>(
    (a, b) => (a === undefined || (b.risk ?? 0) > (a.risk ?? 0) ? b : a),
    undefined,
  );
  return {
    id: "overoptimisation-risk",
    statement,
    criterion,
    holds: reached.length === 0 ? null : reached.some((b) => (b.risk ?? 0) > 0),
    measured:
      reached.length === 0
        ? "no standard trial reached any matched KL"
        : `largest risk P(Δ<0) ${pct(worst?.risk ?? 0)} (KL ${worst?.kl}, ${worst?.trials} trials); mean Δ by KL ` +
          reached.map((b) => `${b.kl}: ${num(b.meanImprovement)}`).join(", "),
    evidence: { budgets: reached.map(({ perTrial: _p, ...b }) => b) },
    study: "generative policy",
  };
}

/** Claim 3 on the generative policy, the same criterion as on candidate sets, at matched KL along PPO trajectories. */
export function rlhfVarianceAwareClaim(summary: RlhfSummary): Claim {
  const statement =
    "The variance-aware policy optimisation lowers the risk of ending worse than the reference policy, compared with the standard pipeline.";
  const criterion =
    "at every matched KL both reach, variance-aware (KL form) has risk and prompt-level risk no higher than standard, and strictly lower at one at least";
  const standard = summary.methods.standard;
  const aware = summary.methods["variance-aware"];
  if (standard === undefined || aware === undefined) {
    return {
      ...notMeasured(
        "variance-aware-lowers-risk",
        statement,
        criterion,
        "rlhf (standard and variance-aware)",
      ),
      study: "generative policy",
    };
  }
  const pairs = standard.budgets.flatMap((s) => {
    const v = aware.budgets.find((b) => b.kl === s.kl);
    return v === undefined || s.risk === null || v.risk === null ? [] : [{ kl: s.kl, s, v }];
  });
  const risk = (m: MatchedMetrics) => [m.risk ?? 0, m.promptRisk ?? 0];
  const failing = pairs
    .filter(({ s, v }) => risk(v)[0] > risk(s)[0] || risk(v)[1] > risk(s)[1])
    .map((p) => p.kl);
  const lower = pairs.some(({ s, v }) => risk(v)[0] < risk(s)[0] || risk(v)[1] < risk(s)[1]);
  return {
    id: "variance-aware-lowers-risk",
    statement,
    criterion,
    holds: pairs.length === 0 ? null : failing.length === 0 && lower,
    measured:
      pairs.length === 0
        ? "no matched KL reached by both methods"
        : `${pairs
            .map(
              ({ kl, s, v }) =>
                `KL ${kl}: risk ${pct(v.risk ?? 0)} vs ${pct(s.risk ?? 0)}, prompt risk ${pct(v.promptRisk ?? 0)} vs ${pct(s.promptRisk ?? 0)}, mean Δ ${num(v.meanImprovement)} vs ${num(s.meanImprovement)}`,
            )
            .join("; ")} (variance-aware vs standard)`,
    evidence: {
      failingBudgets: failing,
      budgets: pairs.map(({ kl, s, v }) => ({
        kl,
        standard: {
          risk: s.risk,
          promptRisk: s.promptRisk,
          meanImprovement: s.meanImprovement,
          stdImprovement: s.stdImprovement,
        },
        varianceAware: {
          risk: v.risk,
          promptRisk: v.promptRisk,
          meanImprovement: v.meanImprovement,
          stdImprovement: v.stdImprovement,
        },
      })),
    },
    study: "generative policy",
  };
}

export function evaluateClaims(inputs: ClaimInputs): Claim[] {
  const candidateSets = (claim: Claim): Claim => ({ ...claim, study: "candidate sets" });
  return [
    disagreementClaim(inputs.disagreement, inputs.disagreementThreshold),
    candidateSets(overoptimisationClaim(inputs.optimize)),
    candidateSets(varianceAwareClaim(inputs.optimize)),
    ...(inputs.rlhf === undefined
      ? []
      : [rlhfOveroptimisationClaim(inputs.rlhf), rlhfVarianceAwareClaim(inputs.rlhf)]),
    theoryClaim(inputs.simulate),
  ];
}
