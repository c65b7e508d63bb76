import assert from "node:assert/strict";
import { test } from "node:test";
import type { SimulateConfig } from "../../src/config/schema.js";
import { runSimulation } from "../../src/simulate/run.js";

const config: SimulateConfig = {
  responses: 6,
  instances: 30,
  draws: 80,
  budgets: [1e-4, 0.3],
  memberCounts: [2, 10],
  rewardScale: 1,
  noiseMin: 0.3,
  noiseMax: 2.5,
};

test("runSimulation is deterministic in its seed and JSON-able", () => {
  const a = runSimulation(config, 7);
  assert.deepEqual(runSimulation(config, 7), a);
  assert.notDeepEqual(runSimulation(config, 8).budgets, a.budgets);
  assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
  assert.equal(a.budgets.length, 2);
  assert.deepEqual(
    a.estimatedSigma.map((e) => [e.members, e.budgets.map((b) => b.kl)]),
    [
      [2, [1e-4, 0.3]],
      [10, [1e-4, 0.3]],
    ],
  );
});

test("budgets are met and, at a tiny budget, Monte Carlo agrees with the linearised closed forms", () => {
  const s = runSimulation(config, 3);
  for (const b of s.budgets) {
    for (const r of [b.standard, b.varianceAware]) {
      assert.equal(r.unreached, 0);
      assert.ok(Math.abs(r.meanAchievedKl - b.kl) <= 1e-3 * b.kl, `kl ${r.meanAchievedKl} vs ${b.kl}`);
      const n = s.instances * s.draws;
      assert.ok(Math.abs(r.standardError - Math.sqrt((r.risk * (1 - r.risk)) / n)) < 1e-15);
    }
  }
  const [tiny] = s.budgets;
  const within = (mc: number, se: number, p: number, what: string) =>
    assert.ok(Math.abs(mc - p) <= 4 * se, `${what}: ${mc} ± ${se} vs ${p}`);
  within(tiny.standard.risk, tiny.standard.standardError, s.closedForm.standard, "standard");
  within(
    tiny.varianceAware.risk,
    tiny.varianceAware.standardError,
    s.closedForm.varianceAware,
    "variance-aware",
  );
  assert.ok(s.closedForm.varianceAwareUnconstrained <= s.closedForm.varianceAware);
  assert.ok(s.closedForm.varianceAware <= s.closedForm.standard);
  assert.ok(tiny.varianceAware.risk < tiny.standard.risk, "variance-aware lowers the risk here");
});

test("with equal noise on every response both methods coincide", () => {
  const s = runSimulation({ ...config, noiseMin: 1, noiseMax: 1, budgets: [1e-4] }, 4);
  assert.ok(Math.abs(s.closedForm.standard - s.closedForm.varianceAware) < 1e-15);
  const [b] = s.budgets;
  // To first order both are (I − 11ᵀ/K)r̂ at this budget: only draws with Δ ≈ 0 may differ.
  assert.ok(Math.abs(b.standard.risk - b.varianceAware.risk) <= 2 / (s.instances * s.draws));
});

test("Σ estimated from 2 members is worse than from 10", () => {
  const s = runSimulation(config, 5);
  const [two, ten] = s.estimatedSigma;
  assert.ok(two.budgets[0].risk > ten.budgets[0].risk + 2 * two.budgets[0].standardError);
});
