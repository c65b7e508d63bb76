import assert from "node:assert/strict";
import { test } from "node:test";
import type { MethodName, OptimizeConfig } from "../../src/config/schema.js";
import { type OptimizeInput, runOptimization } from "../../src/optimize/run.js";
import { createRng } from "../../src/runtime/random.js";

function study(seed: number) {
  const rng = createRng(seed);
  const prompts = Array.from({ length: 40 }, (_, x) => {
    const truth = Array.from({ length: 4 }, () => rng.normal());
    return {
      id: `p${x}`,
      trueRewards: truth,
      memberScores: Array.from({ length: 4 }, () => truth.map((t) => t + 1.5 * rng.normal())),
    };
  });
  const input: OptimizeInput = { prompts };
  const methods: MethodName[] = ["standard", "variance-aware", "mean"];
  const config: OptimizeConfig = {
    methods,
    budgets: [0.1, 1],
    betas: [1],
    estimate: "member",
    repeats: 1,
    uncertaintyPenalty: 1,
    priorVariance: 0,
    varianceFloor: 1e-6,
  };
  return runOptimization([input], config, methods, { seed: 3, resamples: 400 });
}

test("every metric's interval is centred on the metric itself and brackets it", () => {
  const { summary } = study(1);
  for (const result of Object.values(summary.methods)) {
    for (const b of [...(result?.budgets ?? []), ...(result?.betas ?? [])]) {
      assert.equal(b.prompts, 40);
      for (const key of ["meanImprovement", "stdImprovement", "risk", "promptRisk"] as const) {
        const interval = b.intervals[key];
        assert.ok(Math.abs(interval.estimate - b[key]) < 1e-12, `${key}: ${interval.estimate} vs ${b[key]}`);
        assert.ok(interval.lo <= b[key] + 1e-12 && b[key] <= interval.hi + 1e-12, key);
      }
      // The risk interval is never a point: n trials cannot rule out a risk of about 3/n.
      assert.ok(b.intervals.risk.hi > 0);
    }
  }
});

test("differences from standard: paired over trials for variance-aware, not for the one-trial mean", () => {
  const { summary } = study(2);
  const aware = summary.differences["variance-aware"];
  const mean = summary.differences.mean;
  assert.equal(aware?.pairedTrials, true);
  assert.equal(mean?.pairedTrials, false);
  assert.equal(summary.differences.standard, undefined);
  const standard = summary.methods.standard?.budgets ?? [];
  const va = summary.methods["variance-aware"]?.budgets ?? [];
  aware?.budgets.forEach((d, i) => {
    assert.ok(Math.abs(d.promptRisk.estimate - (va[i].promptRisk - standard[i].promptRisk)) < 1e-12);
    assert.ok(
      Math.abs(d.meanImprovement.estimate - (va[i].meanImprovement - standard[i].meanImprovement)) < 1e-12,
    );
    assert.ok(d.promptRisk.lo <= d.promptRisk.estimate && d.promptRisk.estimate <= d.promptRisk.hi);
  });
});

test("seeded: the same inputs give the same intervals", () => {
  assert.deepEqual(study(4).summary, study(4).summary);
});
