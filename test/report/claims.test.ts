import assert from "node:assert/strict";
import { test } from "node:test";
import type { DisagreementMetrics } from "../../src/disagreement/stats.js";
import type { Metrics, OptimizeSummary } from "../../src/optimize/run.js";
import {
  disagreementClaim,
  evaluateClaims,
  overoptimisationClaim,
  theoryClaim,
  varianceAwareClaim,
} from "../../src/report/claims.js";
import type { SimulationSummary } from "../../src/simulate/run.js";

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
  ...over,
});

const optimize = (standard: Partial<Metrics>[], aware: Partial<Metrics>[]): OptimizeSummary => ({
  methods: {
    standard: { budgets: standard.map((m, i) => ({ kl: [0.1, 1][i], ...metrics(m) })), betas: [] },
    "variance-aware": { budgets: aware.map((m, i) => ({ kl: [0.1, 1][i], ...metrics(m) })), betas: [] },
  },
});

const disagreement = (rate: number) =>
  ({
    members: 5,
    pairs: 100,
    signDisagreementRate: rate,
    meanPairwiseFlipRate: rate / 2,
    marginStd: { mean: 0.2 },
    correlation: { pearson: { meanOffDiagonal: 0.9 } },
    accuracy: { min: 0.6, max: 0.7, std: 0.03 },
  }) as unknown as DisagreementMetrics;

test("rm-disagreement holds at and above the threshold only", () => {
  assert.equal(disagreementClaim(disagreement(0.1), 0.1).holds, true);
  assert.equal(disagreementClaim(disagreement(0.099), 0.1).holds, false);
  assert.equal(disagreementClaim(undefined, 0.1).holds, null);
  assert.match(disagreementClaim(disagreement(0.25), 0.1).measured, /25\.0% of 100 pairs/);
});

test("overoptimisation-risk needs a trial below the reference, not only a prompt", () => {
  const none = optimize([{ risk: 0, promptRisk: 0.3 }, { risk: 0 }], []);
  assert.equal(overoptimisationClaim(none).holds, false);
  assert.match(overoptimisationClaim(none).measured, /prompt-level: up to 30\.0% of prompts/);
  assert.equal(overoptimisationClaim(optimize([{ risk: 0 }, { risk: 0.2 }], [])).holds, true);
  assert.equal(overoptimisationClaim({ methods: {} }).holds, null);
});

test("variance-aware-lowers-risk: never higher at any budget and lower at one at least", () => {
  const lower = optimize(
    [{ promptRisk: 0.2 }, { promptRisk: 0.3, risk: 0.2 }],
    [{ promptRisk: 0.2 }, { promptRisk: 0.25, risk: 0.1 }],
  );
  assert.equal(varianceAwareClaim(lower).holds, true);
  const equal = optimize(
    [{ promptRisk: 0.2 }, { promptRisk: 0.3 }],
    [{ promptRisk: 0.2 }, { promptRisk: 0.3 }],
  );
  assert.equal(varianceAwareClaim(equal).holds, false, "no difference is no evidence");
  const mixed = optimize(
    [{ promptRisk: 0.2 }, { promptRisk: 0.3 }],
    [{ promptRisk: 0.25 }, { promptRisk: 0.1 }],
  );
  const claim = varianceAwareClaim(mixed);
  assert.equal(claim.holds, false);
  assert.deepEqual(claim.evidence.failingBudgets, [0.1]);
  assert.match(claim.measured, /prompt risk lower at 1\/2, higher at 1\/2/);
  assert.equal(varianceAwareClaim({ methods: { standard: lower.methods.standard } }).holds, null);
});

test("theory-variance-aware-risk allows Monte-Carlo noise of two standard errors of the difference", () => {
  const summary = (aware: number, se: number): SimulationSummary =>
    ({
      closedForm: { standard: 0.02, varianceAware: 0.01, varianceAwareUnconstrained: 0.008 },
      budgets: [
        {
          kl: 0.1,
          standard: { risk: 0.02, standardError: se },
          varianceAware: { risk: aware, standardError: se },
        },
      ],
    }) as unknown as SimulationSummary;
  assert.equal(theoryClaim(summary(0.01, 0.001)).holds, true);
  // 0.022 − 0.02 = 0.002 < 2·√2·0.001 ≈ 0.0028: within noise.
  assert.equal(theoryClaim(summary(0.022, 0.001)).holds, true);
  assert.equal(theoryClaim(summary(0.024, 0.001)).holds, false);
  assert.equal(theoryClaim(undefined).holds, null);
});

test("evaluateClaims returns the four claims in order", () => {
  const claims = evaluateClaims({ disagreementThreshold: 0.1 });
  assert.deepEqual(
    claims.map((c) => [c.id, c.holds]),
    [
      ["rm-disagreement", null],
      ["overoptimisation-risk", null],
      ["variance-aware-lowers-risk", null],
      ["theory-variance-aware-risk", null],
    ],
  );
});
