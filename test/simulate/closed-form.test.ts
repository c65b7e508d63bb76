import assert from "node:assert/strict";
import { test } from "node:test";
import { centre } from "../../src/optimize/estimates.js";
import { promptImprovement } from "../../src/optimize/evaluate.js";
import { solveEuclidean, solveKlTilted, solveVarianceAware } from "../../src/optimize/policy.js";
import { createRng } from "../../src/runtime/random.js";
import {
  standardRisk,
  varianceAwareRisk,
  varianceAwareRiskUnconstrained,
} from "../../src/simulate/closed-form.js";
import { normalCdf } from "../../src/simulate/normal.js";

const close = (actual: number, expected: number, tolerance = 1e-15) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected}`);

test("closed forms match hand values", () => {
  // r* = (1, 0, −1), σ² = (1, 1, 4): ‖r*‖² = 2, ‖r*‖²_Σ = 5; r*ᵀΣ⁻¹r* = 1.25, 1ᵀΣ⁻¹r* = 0.75, 1ᵀΣ⁻¹1 = 2.25.
  const rStar = [1, 0, -1];
  const sigma2 = [1, 1, 4];
  close(standardRisk(rStar, sigma2), normalCdf(-2 / Math.sqrt(5)));
  close(varianceAwareRisk(rStar, sigma2), normalCdf(-Math.sqrt(1.25 - 0.75 ** 2 / 2.25)));
  close(varianceAwareRisk(rStar, sigma2), normalCdf(-1));
  close(varianceAwareRiskUnconstrained(rStar, sigma2), normalCdf(-Math.sqrt(1.25)));
  // Σ ∝ I and centred r*: all three coincide at Φ(−‖r*‖/σ).
  close(standardRisk(rStar, [4, 4, 4]), normalCdf(-Math.sqrt(2) / 2));
  close(varianceAwareRisk(rStar, [4, 4, 4]), normalCdf(-Math.sqrt(2) / 2));
});

test("variance-aware risk never exceeds the standard one", () => {
  const rng = createRng(31);
  for (let trial = 0; trial < 1000; trial++) {
    const k = 2 + rng.int(10);
    const rStar = centre(Array.from({ length: k }, () => rng.normal()));
    const sigma2 = Array.from({ length: k }, () => (0.05 + 3 * rng.next()) ** 2);
    const standard = standardRisk(rStar, sigma2);
    const aware = varianceAwareRisk(rStar, sigma2);
    assert.ok(aware <= standard * (1 + 1e-12), `${aware} > ${standard}`);
    assert.ok(varianceAwareRiskUnconstrained(rStar, sigma2) <= aware * (1 + 1e-12));
  }
});

test("closed forms match Monte Carlo within 4 standard errors where the linearisation is exact", () => {
  // With β large enough that no candidate hits 0, the Euclidean and variance-aware solvers return exactly the
  // linear policies of closed-form.ts; the unconstrained variance-aware Δ ∝ r*ᵀΣ⁻¹r̂ is evaluated directly.
  // The KL-tilted policy at β → ∞ is their first-order approximation.
  const rng = createRng(32);
  const k = 5;
  const pi0 = new Array(k).fill(1 / k);
  const instances = 12;
  const draws = 3000;
  const worse = { euclidean: 0, tilted: 0, aware: 0, unconstrained: 0 };
  const expected = { standard: 0, aware: 0, unconstrained: 0 };
  const variance = { standard: 0, aware: 0, unconstrained: 0 };
  for (let j = 0; j < instances; j++) {
    const rStar = centre(Array.from({ length: k }, () => rng.normal()));
    const sigma = Array.from({ length: k }, () => 0.5 + 2.5 * rng.next());
    const sigma2 = sigma.map((s) => s * s);
    const p = {
      standard: standardRisk(rStar, sigma2),
      aware: varianceAwareRisk(rStar, sigma2),
      unconstrained: varianceAwareRiskUnconstrained(rStar, sigma2),
    };
    for (const key of ["standard", "aware", "unconstrained"] as const) {
      expected[key] += p[key] / instances;
      variance[key] += (p[key] * (1 - p[key])) / draws / instances ** 2;
    }
    for (let d = 0; d < draws; d++) {
      const rHat = rStar.map((r, i) => r + sigma[i] * rng.normal());
      const scale = Math.max(...rHat.map(Math.abs));
      const euclidean = solveEuclidean(rHat, pi0, 100 * scale);
      const aware = solveVarianceAware(rHat, sigma2, pi0, (100 * scale) / Math.min(...sigma2));
      assert.ok(euclidean.every((x) => x > 0) && aware.every((x) => x > 0), "interior");
      if (promptImprovement(euclidean, pi0, rStar) < 0) worse.euclidean++;
      if (promptImprovement(solveKlTilted(rHat, pi0, 1e4 * scale), pi0, rStar) < 0) worse.tilted++;
      if (promptImprovement(aware, pi0, rStar) < 0) worse.aware++;
      if (rStar.reduce((s, r, i) => s + (r * rHat[i]) / sigma2[i], 0) < 0) worse.unconstrained++;
    }
  }
  const n = instances * draws;
  const se = {
    standard: Math.sqrt(variance.standard),
    aware: Math.sqrt(variance.aware),
    unconstrained: Math.sqrt(variance.unconstrained),
  };
  const within = (count: number, p: number, s: number, what: string) =>
    assert.ok(
      Math.abs(count / n - p) <= 4 * s,
      `${what}: Monte Carlo ${count / n} vs closed form ${p} ± ${s}`,
    );
  within(worse.euclidean, expected.standard, se.standard, "standard (L2)");
  within(worse.tilted, expected.standard, se.standard, "standard (KL, linearised)");
  within(worse.aware, expected.aware, se.aware, "variance-aware");
  within(worse.unconstrained, expected.unconstrained, se.unconstrained, "variance-aware, unconstrained");
  // The test has power: the forms it tells apart differ by many standard errors.
  assert.ok(expected.standard - expected.aware > 10 * se.standard, "standard vs variance-aware");
  assert.ok(expected.aware - expected.unconstrained > 5 * se.aware, "constrained vs unconstrained");
});
