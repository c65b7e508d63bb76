import type { ClaimId, Config } from "../config/schema.js";
import type { DisagreementMetrics } from "../disagreement/stats.js";
import type { MetricIntervals, OptimizeSummary } from "../optimize/run.js";
import type { MatchedMetrics, RlhfSummary } from "../rlhf/summary.js";
import type { SimulationSummary } from "../simulate/run.js";
import { INTERVAL_LEVEL, type Interval } from "../stats/bootstrap.js";
import { type Side, sideSymbol, type Verdict, verdictOf } from "../stats/verdict.js";

/**
 * The paper's claims judged on a run, each by its own function (a study adds its claims by adding
 * functions to `claimEvaluators`). A verdict comes from the 95% interval of the claim's effect against its
 * threshold (DESIGN.md, "Statistics of verdicts"); the summary files carry the intervals.
 */

export type ClaimVerdict = Verdict | "not measured";

/** The interval that decides a verdict: of what, where it lies, and the side of the threshold claimed. */
export interface EffectInterval extends Interval {
  of: string;
  level: number;
  side: Side;
  threshold: number;
  /** A rate (shown in %) or a difference of two rates (shown in percentage points). */
  kind: "rate" | "difference";
}

/** A claim of the paper with its verdict on this run. */
export interface Claim {
  id: ClaimId;
  statement: string;
  /** How the verdict is decided, in words. */
  criterion: string;
  /** true when the verdict is `holds`, false when it is `does not hold` or `inconclusive`, null when not measured. */
  holds: boolean | null;
  verdict: ClaimVerdict;
  /** Why the verdict is inconclusive when the interval alone does not say (e.g. members at chance). */
  reason?: string;
  interval: EffectInterval | null;
  /** The statistical test behind the interval. */
  test: string;
  sampleSizes: Record<string, number>;
  /** One line with the measured numbers that decide it. */
  measured: string;
  evidence: Record<string, unknown>;
  /** The study a claim judged on several rests on: "candidate sets" or "generative policy". */
  study?: string;
}

export interface ClaimInputs {
  disagreement?: DisagreementMetrics;
  optimize?: OptimizeSummary;
  simulate?: SimulationSummary;
  rlhf?: RlhfSummary;
  report: Pick<Config["report"], "disagreementThreshold" | "chanceAccuracy" | "riskThreshold">;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
/** A signed difference of fractions in percentage points. */
const pp = (x: number) => (x === 0 ? "0" : `${x > 0 ? "+" : "−"}${(100 * Math.abs(x)).toFixed(1)}`);
export const formatInterval = (i: { lo: number; hi: number }, f: (x: number) => string = pct) =>
  `[${f(i.lo)}, ${f(i.hi)}]`;

function claimOf(
  base: Pick<Claim, "id" | "statement" | "criterion" | "test">,
  verdict: ClaimVerdict,
  rest: Partial<Claim>,
): Claim {
  return {
    ...base,
    holds: verdict === "not measured" ? null : verdict === "holds",
    verdict,
    interval: null,
    sampleSizes: {},
    measured: "",
    evidence: {},
    ...rest,
  };
}

function notMeasured(base: Pick<Claim, "id" | "statement" | "criterion" | "test">, stage: string): Claim {
  return claimOf(base, "not measured", { measured: `the ${stage} stage was not run` });
}

/** Metrics written before intervals existed cannot be judged. */
function withoutIntervals(
  base: Pick<Claim, "id" | "statement" | "criterion" | "test">,
  stage: string,
): Claim {
  return claimOf(base, "inconclusive", {
    reason: `the ${stage} metrics have no intervals (written by an older align): rerun the stage with --force`,
    measured: "no intervals",
  });
}

const effect = (
  of: string,
  interval: Interval,
  side: Side,
  threshold: number,
  kind: EffectInterval["kind"] = "rate",
): EffectInterval => ({ of, ...interval, level: INTERVAL_LEVEL, side, threshold, kind });

/** Claim 1: members trained alike disagree substantially, in sign, on held-out pairs; judged only above chance. */
export function disagreementClaim(
  metrics: DisagreementMetrics | undefined,
  report: ClaimInputs["report"],
): Claim {
  const { disagreementThreshold: threshold, chanceAccuracy: chance } = report;
  const base = {
    id: "rm-disagreement" as const,
    statement:
      "Reward models trained independently on the same data with the same hyperparameters disagree substantially.",
    criterion:
      `the 95% interval of the fraction of held-out pairs on which members disagree in sign lies at or above ` +
      `${pct(threshold)} (below it: does not hold); judged only when every member's accuracy interval lies above chance (${chance})`,
    test: metrics?.intervals?.test ?? "percentile bootstrap over prompts",
  };
  if (metrics === undefined) return notMeasured(base, "disagreement");
  const intervals = metrics.intervals;
  if (intervals === undefined) return withoutIntervals(base, "disagreement");
  const rate = intervals.signDisagreementRate;
  const atChance = intervals.accuracyPerMember
    .map((interval, member) => ({ member, interval }))
    .filter(({ interval }) => !(interval.lo > chance));
  const interval = effect("sign-disagreement rate", rate, "at least", threshold);
  const verdict = atChance.length > 0 ? "inconclusive" : verdictOf(rate, "at least", threshold);
  const accuracies = `accuracies ${metrics.accuracy.min.toFixed(3)}–${metrics.accuracy.max.toFixed(3)}`;
  const chanceText =
    atChance.length > 0
      ? `; ${atChance.length} of ${metrics.members} members not above chance (${atChance
          .map(
            ({ member, interval: i }) =>
              `member ${member}: ${i.estimate.toFixed(3)} ${formatInterval(i, (x) => x.toFixed(3))}`,
          )
          .join(", ")})`
      : `; every member's accuracy interval above ${chance}`;
  return claimOf(base, verdict, {
    ...(atChance.length > 0
      ? {
          reason:
            `members at chance accuracy on held-out pairs (interval not above ${chance}): ` +
            "disagreement among models that learnt nothing is noise, not instability",
        }
      : {}),
    interval,
    sampleSizes: { members: metrics.members, pairs: metrics.pairs, prompts: metrics.prompts },
    measured:
      `${metrics.members} members disagree in sign on ${pct(rate.estimate)} ${formatInterval(rate)} of ${metrics.pairs} pairs ` +
      `(${metrics.prompts} prompts); ${accuracies}${chanceText}`,
    evidence: {
      signDisagreementRate: rate,
      meanPairwiseFlipRate: intervals.meanPairwiseFlipRate,
      minorityContradictionRate: intervals.minorityContradictionRate,
      marginStdMean: metrics.marginStd.mean,
      pearsonMeanOffDiagonal: metrics.correlation.pearson.meanOffDiagonal,
      accuracy: {
        min: metrics.accuracy.min,
        max: metrics.accuracy.max,
        std: metrics.accuracy.std,
        mean: intervals.accuracyMean,
        perMember: intervals.accuracyPerMember,
      },
    },
  });
}

/** Combines per-budget verdicts: holds at one budget suffices; does not hold only where no budget can hold. */
function anyBudget(verdicts: Verdict[]): Verdict {
  if (verdicts.includes("holds")) return "holds";
  return verdicts.length > 0 && verdicts.every((v) => v === "does not hold")
    ? "does not hold"
    : "inconclusive";
}

/** Claim 2: a policy optimised against one reward model can end worse than the reference under the true reward. */
/** One method at one KL budget as claims 2 and 3 read it. */
export interface RiskBudget {
  kl: number;
  trials: number;
  prompts: number;
  risk: number;
  promptRisk: number;
  meanImprovement: number;
  stdImprovement: number;
  intervals: MetricIntervals;
}

/**
 * What claims 2 and 3 read of a policy-optimisation study, over candidate sets (optimize) or with the
 * generative policy (rlhf): per method and KL budget its risks with intervals, and the paired differences
 * of variance-aware minus standard.
 */
export interface RiskStudy {
  /** The stage that measures it, for "not measured" messages. */
  stage?: string;
  intervals?: { test: string };
  methods: { standard?: { budgets: RiskBudget[] }; "variance-aware"?: { budgets: RiskBudget[] } };
  differences?: {
    "variance-aware"?: { pairedTrials: boolean; budgets: ({ kl: number } & MetricIntervals)[] };
  };
}

/** The candidate-set study as claims 2 and 3 read it. */
export function candidateSetStudy(summary: OptimizeSummary): RiskStudy {
  return { stage: "optimize", ...summary };
}

/** The generative-policy study: the matched KLs a method's trials reached, each with its intervals. */
export function generativeStudy(summary: RlhfSummary): RiskStudy {
  const reached = (budgets: MatchedMetrics[] | undefined) =>
    budgets === undefined
      ? undefined
      : {
          budgets: budgets.flatMap((b) =>
            b.intervals === undefined
              ? []
              : [
                  {
                    kl: b.kl,
                    trials: b.trials,
                    prompts: b.prompts,
                    risk: b.risk ?? 0,
                    promptRisk: b.promptRisk ?? 0,
                    meanImprovement: b.meanImprovement ?? 0,
                    stdImprovement: b.stdImprovement ?? 0,
                    intervals: b.intervals,
                  },
                ],
          ),
        };
  return {
    stage: "rlhf",
    intervals: summary.intervals,
    methods: {
      standard: reached(summary.methods.standard?.budgets),
      "variance-aware": reached(summary.methods["variance-aware"]?.budgets),
    },
    differences: summary.differences,
  };
}

export function overoptimisationClaim(summary: RiskStudy | undefined, report: ClaimInputs["report"]): Claim {
  const threshold = report.riskThreshold;
  const base = {
    id: "overoptimisation-risk" as const,
    statement:
      "Optimising a policy against a single reward-model estimate can end worse than the reference policy under the true reward.",
    criterion:
      `at some KL budget, the 95% interval of the standard method's risk P(Δ < 0) over trials lies above ${pct(threshold)}; ` +
      "does not hold when it lies at or below it at every budget",
    test: summary?.intervals?.test ?? "bootstrap over trials and prompts",
  };
  const standard = summary?.methods.standard;
  const stage = summary?.stage ?? "optimize";
  if (standard === undefined) return notMeasured(base, `${stage} (standard)`);
  if (standard.budgets.length === 0) {
    return claimOf(base, "inconclusive", {
      reason: `no standard trial of the ${stage} stage reached any of its KL budgets`,
      measured: "no budget reached",
    });
  }
  if (standard.budgets.some((b) => b.intervals === undefined)) return withoutIntervals(base, stage);
  const verdicts = standard.budgets.map((b) => verdictOf(b.intervals.risk, "above", threshold));
  const verdict = anyBudget(verdicts);
  // The budget shown: the one that decides, else the one whose interval reaches highest.
  const shown =
    standard.budgets[verdicts.indexOf("holds")] ??
    standard.budgets.reduce((a, b) => (b.intervals.risk.hi > a.intervals.risk.hi ? b : a));
  const worstPrompt = standard.budgets.reduce((a, b) => (b.promptRisk > a.promptRisk ? b : a));
  const worseTrials = Math.round(shown.risk * shown.trials);
  return claimOf(base, verdict, {
    interval: effect(`standard risk P(Δ < 0) at KL ${shown.kl}`, shown.intervals.risk, "above", threshold),
    sampleSizes: { trials: shown.trials, prompts: shown.prompts, budgets: standard.budgets.length },
    measured:
      `risk P(Δ<0) ${pct(shown.risk)} ${formatInterval(shown.intervals.risk)} at KL ${shown.kl} ` +
      `(${worseTrials} of ${shown.trials} trials); prompt-level: up to ${pct(worstPrompt.promptRisk)} ` +
      `${formatInterval(worstPrompt.intervals.promptRisk)} of prompts end worse (KL ${worstPrompt.kl})`,
    evidence: {
      budgets: standard.budgets.map((b, i) => ({
        kl: b.kl,
        verdict: verdicts[i],
        trials: b.trials,
        risk: b.intervals.risk,
        promptRisk: b.intervals.promptRisk,
        meanImprovement: b.intervals.meanImprovement,
      })),
    },
  });
}

/**
 * Claim 3: at matched KL, variance-aware minus standard risk, paired over prompts and trials. A budget counts as
 * lower when an interval of the difference (prompt-level or dataset-level risk) lies below 0 and neither lies
 * above; as higher when one lies above 0.
 */
export function varianceAwareClaim(summary: RiskStudy | undefined): Claim {
  const base = {
    id: "variance-aware-lowers-risk" as const,
    statement:
      "The variance-aware policy optimisation lowers the risk of ending worse than the reference policy, compared with the standard pipeline.",
    criterion:
      "per KL budget, the 95% intervals of variance-aware minus standard prompt-level risk and risk (paired): holds when " +
      "at some budget one lies below 0 and at no budget one lies above 0; does not hold when one lies above 0 at some " +
      "budget, or both lie at or above 0 at every budget; intervals per budget, not corrected for the number of budgets",
    test: `paired ${summary?.intervals?.test ?? "bootstrap over trials and prompts"}`,
  };
  const standard = summary?.methods.standard;
  const aware = summary?.methods["variance-aware"];
  const stage = summary?.stage ?? "optimize";
  if (standard === undefined || aware === undefined) {
    return notMeasured(base, `${stage} (standard and variance-aware)`);
  }
  const differences = summary?.differences?.["variance-aware"];
  if (differences === undefined) return withoutIntervals(base, stage);
  const budgets = differences.budgets.flatMap((d) => {
    const s = standard.budgets.find((b) => b.kl === d.kl);
    const v = aware.budgets.find((b) => b.kl === d.kl);
    return s === undefined || v === undefined ? [] : [{ d, s, v }];
  });
  const both = (d: MetricIntervals) => [d.promptRisk, d.risk];
  const higher = budgets.filter(({ d }) => both(d).some((i) => i.lo > 0));
  const lower = budgets.filter(({ d }) => both(d).some((i) => i.hi < 0) && !both(d).some((i) => i.lo > 0));
  const cannotBeLower = budgets.every(({ d }) => both(d).every((i) => i.lo >= 0));
  const verdict: Verdict =
    higher.length > 0 || cannotBeLower ? "does not hold" : lower.length > 0 ? "holds" : "inconclusive";
  const byHi = [...budgets].sort((a, b) => a.d.promptRisk.hi - b.d.promptRisk.hi);
  const shown = (verdict === "does not hold" && higher.length > 0 ? higher[0] : (lower[0] ?? byHi[0])) as
    | (typeof budgets)[number]
    | undefined;
  return claimOf(base, verdict, {
    interval:
      shown === undefined
        ? null
        : effect(
            `variance-aware − standard prompt-level risk at KL ${shown.d.kl}`,
            shown.d.promptRisk,
            "below",
            0,
            "difference",
          ),
    sampleSizes: {
      budgets: budgets.length,
      trials: standard.budgets[0]?.trials ?? 0,
      prompts: standard.budgets[0]?.prompts ?? 0,
      pairedTrials: differences.pairedTrials ? 1 : 0,
    },
    measured:
      `variance-aware − standard prompt risk (percentage points): ` +
      budgets
        .map(({ d }) => `KL ${d.kl}: ${pp(d.promptRisk.estimate)} ${formatInterval(d.promptRisk, pp)}`)
        .join("; ") +
      `; lower at ${lower.length}/${budgets.length}, higher at ${higher.length}/${budgets.length} budgets`,
    evidence: {
      pairedTrials: differences.pairedTrials,
      higherAt: higher.map(({ d }) => d.kl),
      lowerAt: lower.map(({ d }) => d.kl),
      budgets: budgets.map(({ d, s, v }) => ({
        kl: d.kl,
        promptRisk: { standard: s.promptRisk, varianceAware: v.promptRisk, difference: d.promptRisk },
        risk: { standard: s.risk, varianceAware: v.risk, difference: d.risk },
        meanImprovement: {
          standard: s.meanImprovement,
          varianceAware: v.meanImprovement,
          difference: d.meanImprovement,
        },
        stdImprovement: {
          standard: s.stdImprovement,
          varianceAware: v.stdImprovement,
          difference: d.stdImprovement,
        },
      })),
    },
  });
}

/** The theory: in the Gaussian model, the variance-aware risk is never above the standard one. */
export function theoryClaim(summary: SimulationSummary | undefined): Claim {
  const base = {
    id: "theory-variance-aware-risk" as const,
    statement:
      "In the paper's theoretical model, the variance-aware regulariser's risk of ending worse than the reference is no higher than the standard one's.",
    criterion:
      "closed form Φ(−‖r*‖_Σ⁻¹) ≤ Φ(−‖r*‖²/‖r*‖_Σ), and at every KL budget the 95% interval of the Monte-Carlo " +
      "variance-aware minus standard risk (paired) lies at or below 0; does not hold when the closed forms disagree " +
      "or an interval lies above 0",
    test: summary?.intervals?.test ?? "bootstrap over instances",
  };
  if (summary === undefined) return notMeasured(base, "simulate");
  if (summary.budgets.some((b) => b.difference === undefined)) return withoutIntervals(base, "simulate");
  const closed = summary.closedForm;
  const closedHolds = closed.varianceAware <= closed.standard;
  const verdicts = summary.budgets.map((b) => verdictOf(b.difference, "at most", 0));
  const verdict: Verdict =
    !closedHolds || verdicts.includes("does not hold")
      ? "does not hold"
      : verdicts.every((v) => v === "holds")
        ? "holds"
        : "inconclusive";
  const shown = summary.budgets.reduce((a, b) => (b.difference.hi > a.difference.hi ? b : a));
  return claimOf(base, verdict, {
    interval: effect(
      `variance-aware − standard Monte-Carlo risk at KL ${shown.kl}`,
      shown.difference,
      "at most",
      0,
      "difference",
    ),
    sampleSizes: { instances: summary.instances, draws: summary.draws, budgets: summary.budgets.length },
    measured:
      `closed forms ${pct(closed.varianceAware)} vs ${pct(closed.standard)}; Monte Carlo variance-aware − standard ` +
      summary.budgets
        .map((b) => `KL ${b.kl}: ${pp(b.difference.estimate)} ${formatInterval(b.difference, pp)} pp`)
        .join("; "),
    evidence: {
      closedForm: closed,
      failingBudgets: summary.budgets.filter((_, i) => verdicts[i] === "does not hold").map((b) => b.kl),
      budgets: summary.budgets,
    },
  });
}

const onStudy =
  (study: string) =>
  (claim: Claim): Claim => ({ ...claim, study });

/**
 * The claims, each by its own function: claims 2 and 3 on the candidate sets, and again on the generative
 * policy when that study was run (each verdict naming its study).
 */
export const claimEvaluators: ((inputs: ClaimInputs) => Claim[])[] = [
  (inputs) => [disagreementClaim(inputs.disagreement, inputs.report)],
  ({ optimize, report }) => {
    const study = optimize === undefined ? undefined : candidateSetStudy(optimize);
    return [overoptimisationClaim(study, report), varianceAwareClaim(study)].map(onStudy("candidate sets"));
  },
  ({ rlhf, report }) => {
    if (rlhf === undefined) return [];
    const study = generativeStudy(rlhf);
    return [overoptimisationClaim(study, report), varianceAwareClaim(study)].map(
      onStudy("generative policy"),
    );
  },
  (inputs) => [theoryClaim(inputs.simulate)],
];

export function evaluateClaims(inputs: ClaimInputs): Claim[] {
  return claimEvaluators.flatMap((evaluate) => evaluate(inputs));
}

/** "2 of 4 hold, 1 inconclusive, 1 does not hold": every verdict with its count, in a fixed order. */
export function verdictTally(claims: readonly Claim[]): string {
  const count = (v: ClaimVerdict) => claims.filter((c) => c.verdict === v).length;
  const parts = [`${count("holds")} of ${claims.length} hold`];
  for (const v of ["does not hold", "inconclusive", "not measured"] as const) {
    if (count(v) > 0) parts.push(`${count(v)} ${v}`);
  }
  return parts.join(", ");
}

/** A claim's interval against its threshold in one phrase, e.g. "25.0% [21.3%, 28.9%] ≥ 10.0%". */
export function intervalPhrase(claim: Claim): string {
  const i = claim.interval;
  if (i === null) return "";
  const f = i.kind === "difference" ? (x: number) => `${pp(x)} pp` : pct;
  return `${i.of}: ${f(i.estimate)} ${formatInterval(i, f)}, claimed ${sideSymbol(i.side)} ${f(i.threshold)}`;
}
