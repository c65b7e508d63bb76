import assert from "node:assert/strict";
import { test } from "node:test";
import type { DisagreementMetrics } from "../../src/disagreement/stats.js";
import type { MetricIntervals, Metrics, OptimizeSummary } from "../../src/optimize/run.js";
import {
  disagreementClaim,
  evaluateClaims,
  intervalPhrase,
  overoptimisationClaim,
  theoryClaim,
  varianceAwareClaim,
  verdictTally,
} from "../../src/report/claims.js";
import type { SimulationSummary } from "../../src/simulate/run.js";
import type { Interval } from "../../src/stats/bootstrap.js";

const report = { disagreementThreshold: 0.1, chanceAccuracy: 0.5, riskThreshold: 0.05 };
const at = (estimate: number, lo: number, hi: number): Interval => ({ estimate, lo, hi });
const point = (x: number) => at(x, x, x);

const intervals = (over: Partial<MetricIntervals> = {}): MetricIntervals => ({
  meanImprovement: point(0.1),
  stdImprovement: point(0.01),
  risk: at(0, 0, 0.43),
  promptRisk: point(0.1),
  ...over,
});

const metrics = (over: Partial<Metrics>): Metrics => ({
  trials: 5,
  meanImprovement: 0.1,
  stdImprovement: 0.01,
  risk: 0,
  promptRisk: 0.1,
  cvar10: -0.01,
  proxyImprovement: 0.2,
  meanAchievedKl: 0.1,
  unreachedPrompts: 0,
  prompts: 100,
  intervals: intervals(),
  ...over,
});

const optimize = (
  standard: Partial<Metrics>[],
  aware: Partial<Metrics>[],
  differences: Partial<MetricIntervals>[] = [],
): OptimizeSummary => ({
  methods: {
    standard: { budgets: standard.map((m, i) => ({ kl: [0.1, 1][i], ...metrics(m) })), betas: [] },
    ...(aware.length > 0
      ? {
          "variance-aware": { budgets: aware.map((m, i) => ({ kl: [0.1, 1][i], ...metrics(m) })), betas: [] },
        }
      : {}),
  },
  differences:
    differences.length > 0
      ? {
          "variance-aware": {
            versus: "standard",
            pairedTrials: true,
            budgets: differences.map((d, i) => ({ kl: [0.1, 1][i], ...intervals({ risk: point(0), ...d }) })),
            betas: [],
          },
        }
      : {},
  intervals: { level: 0.95, test: "test", resamples: 100 },
});

const disagreement = (rate: Interval, accuracies: Interval[] = [at(0.7, 0.65, 0.75), at(0.6, 0.55, 0.65)]) =>
  ({
    members: accuracies.length,
    pairs: 100,
    prompts: 40,
    signDisagreementRate: rate.estimate,
    marginStd: { mean: 0.2 },
    correlation: { pearson: { meanOffDiagonal: 0.9 } },
    accuracy: { min: 0.6, max: 0.7, std: 0.03 },
    intervals: {
      test: "bootstrap",
      signDisagreementRate: rate,
      meanPairwiseFlipRate: rate,
      minorityContradictionRate: rate,
      accuracyMean: at(0.65, 0.6, 0.7),
      accuracyPerMember: accuracies,
    },
  }) as unknown as DisagreementMetrics;

test("rm-disagreement: the interval against the threshold gives the three verdicts", () => {
  assert.equal(disagreementClaim(disagreement(at(0.2, 0.1, 0.3)), report).verdict, "holds");
  assert.equal(disagreementClaim(disagreement(at(0.05, 0.03, 0.09)), report).verdict, "does not hold");
  const straddling = disagreementClaim(disagreement(at(0.12, 0.08, 0.16)), report);
  assert.equal(straddling.verdict, "inconclusive");
  assert.equal(straddling.holds, false);
  assert.equal(disagreementClaim(undefined, report).verdict, "not measured");
  assert.equal(disagreementClaim(undefined, report).holds, null);
  const claim = disagreementClaim(disagreement(at(0.25, 0.2, 0.3)), report);
  assert.match(claim.measured, /25\.0% \[20\.0%, 30\.0%\] of 100 pairs/);
  assert.deepEqual(claim.sampleSizes, { members: 2, pairs: 100, prompts: 40 });
  assert.equal(claim.interval?.lo, 0.2);
});

test("rm-disagreement among members at chance is inconclusive, with the reason", () => {
  const chance = disagreement(at(0.66, 0.6, 0.7), [at(0.52, 0.47, 0.57), at(0.7, 0.65, 0.75)]);
  const claim = disagreementClaim(chance, report);
  assert.equal(claim.verdict, "inconclusive");
  assert.match(claim.reason ?? "", /chance/);
  assert.match(claim.measured, /1 of 2 members not above chance \(member 0: 0\.520/);
});

test("overoptimisation-risk: holds when one budget's risk interval is above the threshold", () => {
  const none = optimize([{ intervals: intervals({ risk: at(0, 0, 0.43) }) }, {}], []);
  assert.equal(
    overoptimisationClaim(none, report).verdict,
    "inconclusive",
    "0 of 5 trials rules nothing out",
  );
  const many = optimize(
    [{ intervals: intervals({ risk: at(0, 0, 0.03) }) }, { intervals: intervals({ risk: at(0, 0, 0.04) }) }],
    [],
  );
  assert.equal(overoptimisationClaim(many, report).verdict, "does not hold");
  const some = optimize([{}, { risk: 0.4, intervals: intervals({ risk: at(0.4, 0.1, 0.7) }) }], []);
  const claim = overoptimisationClaim(some, report);
  assert.equal(claim.verdict, "holds");
  assert.equal(claim.interval?.of, "standard risk P(Δ < 0) at KL 1");
  assert.equal(overoptimisationClaim({ ...none, methods: {} }, report).verdict, "not measured");
});

test("variance-aware-lowers-risk: paired differences per budget", () => {
  const summary = (d: Partial<MetricIntervals>[]) => optimize([{}, {}], [{}, {}], d);
  const lower = summary([{ promptRisk: at(-0.02, -0.05, 0.01) }, { promptRisk: at(-0.03, -0.05, -0.01) }]);
  assert.equal(varianceAwareClaim(lower).verdict, "holds");
  assert.match(varianceAwareClaim(lower).measured, /KL 1: −3\.0 \[−5\.0, −1\.0\]/);
  const higher = summary([{ promptRisk: at(0.03, 0.01, 0.05) }, { promptRisk: at(-0.03, -0.05, -0.01) }]);
  assert.equal(varianceAwareClaim(higher).verdict, "does not hold");
  assert.deepEqual(varianceAwareClaim(higher).evidence.higherAt, [0.1]);
  const noise = summary([{ promptRisk: at(0.01, -0.02, 0.03) }, { promptRisk: at(-0.01, -0.03, 0.02) }]);
  assert.equal(varianceAwareClaim(noise).verdict, "inconclusive");
  const equal = summary([{ promptRisk: point(0) }, { promptRisk: point(0) }]);
  assert.equal(varianceAwareClaim(equal).verdict, "does not hold", "no difference anywhere is no lowering");
  assert.equal(varianceAwareClaim(optimize([{}], [])).verdict, "not measured");
  assert.match(intervalPhrase(varianceAwareClaim(lower)), /−3\.0 pp \[−5\.0 pp, −1\.0 pp\], claimed < 0 pp/);
});

test("theory-variance-aware-risk: closed forms and the paired Monte-Carlo difference", () => {
  const summary = (difference: Interval, closedAware = 0.01): SimulationSummary =>
    ({
      instances: 60,
      draws: 100,
      closedForm: { standard: 0.02, varianceAware: closedAware, varianceAwareUnconstrained: 0.008 },
      budgets: [{ kl: 0.1, standard: { risk: 0.02 }, varianceAware: { risk: 0.01 }, difference }],
      intervals: { test: "bootstrap" },
    }) as unknown as SimulationSummary;
  assert.equal(theoryClaim(summary(at(-0.01, -0.02, -0.005))).verdict, "holds");
  assert.equal(theoryClaim(summary(point(0))).verdict, "holds", "equal risks are no higher");
  assert.equal(theoryClaim(summary(at(0.001, -0.002, 0.004))).verdict, "inconclusive");
  assert.equal(theoryClaim(summary(at(0.01, 0.005, 0.02))).verdict, "does not hold");
  assert.equal(theoryClaim(summary(at(-0.01, -0.02, -0.005), 0.03)).verdict, "does not hold");
  assert.equal(theoryClaim(undefined).verdict, "not measured");
});

test("evaluateClaims returns the four claims in order, and the tally counts them", () => {
  const claims = evaluateClaims({ report });
  assert.deepEqual(
    claims.map((c) => [c.id, c.holds]),
    [
      ["rm-disagreement", null],
      ["overoptimisation-risk", null],
      ["variance-aware-lowers-risk", null],
      ["theory-variance-aware-risk", null],
    ],
  );
  assert.equal(verdictTally(claims), "0 of 4 hold, 4 not measured");
  const mixed = evaluateClaims({
    report,
    disagreement: disagreement(at(0.2, 0.15, 0.25)),
    optimize: optimize([{}, {}], [{}, {}], [{ promptRisk: point(0.01) }, {}]),
  });
  assert.equal(verdictTally(mixed), "1 of 4 hold, 1 does not hold, 1 inconclusive, 1 not measured");
});
