import assert from "node:assert/strict";
import { test } from "node:test";
import { optimizeRows } from "../../src/optimize/report.js";
import { headingSlug, tally, verdictClass, verdictOf } from "../../src/report/banner.js";
import type { Claim } from "../../src/report/claims.js";

const claim = (holds: boolean | null, verdict?: string): Claim =>
  ({
    id: "rm-disagreement",
    statement: "",
    criterion: "",
    holds,
    measured: "",
    evidence: {},
    verdict,
  }) as Claim;

test("verdicts come from a verdict string when claims carry one, else from holds", () => {
  assert.equal(verdictOf(claim(true)), "holds");
  assert.equal(verdictOf(claim(false)), "does not hold");
  assert.equal(verdictOf(claim(null)), "not measured");
  assert.equal(verdictOf(claim(false, "inconclusive")), "inconclusive");
  assert.equal(verdictClass("does not hold"), "verdict-does-not-hold");
});

test("the tally counts each verdict, known ones in a fixed order", () => {
  const claims = [claim(false), claim(true), claim(null, "inconclusive"), claim(true), claim(null, "odd")];
  assert.deepEqual(tally(claims), [
    { verdict: "holds", count: 2 },
    { verdict: "does not hold", count: 1 },
    { verdict: "inconclusive", count: 1 },
    { verdict: "odd", count: 1 },
  ]);
});

test("heading anchors follow GitHub's rule", () => {
  assert.equal(headingSlug("The paper's claims on this run"), "the-papers-claims-on-this-run");
  assert.equal(
    headingSlug("Policy optimisation: standard (claims 2 and 3)"),
    "policy-optimisation-standard-claims-2-and-3",
  );
});

test("the spread of a one-trial method is n/a, not 0", () => {
  const budget = {
    kl: 0.1,
    meanImprovement: 1,
    stdImprovement: 0,
    risk: 0,
    promptRisk: 0,
    cvar10: 0,
    proxyImprovement: 0,
  };
  const rows = optimizeRows({
    methods: {
      mean: { budgets: [{ ...budget, trials: 1 }], betas: [] },
      standard: { budgets: [{ ...budget, trials: 5, stdImprovement: 0.25 }], betas: [] },
    },
  } as never);
  assert.equal(rows[1][4], "n/a");
  assert.equal(rows[2][4], "0.2500");
});
