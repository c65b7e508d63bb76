import assert from "node:assert/strict";
import { test } from "node:test";
import type { OptimizeConfig } from "../../src/config/schema.js";
import { matchKlBudget, varianceAwareKlBetaGuess } from "../../src/optimize/budget.js";
import {
  klDivergence,
  relativeVarianceWeights,
  solveEuclidean,
  solveKlTilted,
  solveVarianceAwareKl,
} from "../../src/optimize/policy.js";
import { type OptimizeInput, runOptimization } from "../../src/optimize/run.js";
import { createRng } from "../../src/runtime/random.js";

const close = (actual: number, expected: number, tolerance: number, what = "") =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} ${actual} vs ${expected} (tolerance ${tolerance})`,
  );

/** Σ_i w_i (π_i log(π_i/π0_i) − π_i + π0_i): the weighted KL written as a divergence. */
function weightedDivergence(pi: number[], w: number[], pi0: number[]): number {
  return pi.reduce((d, p, i) => d + w[i] * ((p > 0 ? p * Math.log(p / pi0[i]) : 0) - p + pi0[i]), 0);
}

/** The naive weighted KL E_π[w log(π/π0)] (DESIGN.md's pitfall). */
function naiveWeightedKl(pi: number[], w: number[], pi0: number[]): number {
  return pi.reduce((d, p, i) => d + (p > 0 ? w[i] * p * Math.log(p / pi0[i]) : 0), 0);
}

/** Brute force over three candidates: the best point of a grid of step 1/n on the simplex. */
function gridArgmax(objective: (pi: number[]) => number, n: number): { pi: number[]; value: number } {
  let best = { pi: [1, 0, 0], value: Number.NEGATIVE_INFINITY };
  for (let a = 0; a <= n; a++) {
    for (let b = 0; a + b <= n; b++) {
      const pi = [a / n, b / n, (n - a - b) / n];
      const value = objective(pi);
      if (value > best.value) best = { pi, value };
    }
  }
  return best;
}

test("variance-aware-kl matches a brute-force grid search on three candidates", () => {
  const rng = createRng(7);
  for (let trial = 0; trial < 6; trial++) {
    const r = [rng.normal(), rng.normal(), rng.normal()];
    const sigma2 = [0.05 + rng.next(), 0.05 + rng.next(), 0.05 + rng.next()];
    const raw = [0.2 + rng.next(), 0.2 + rng.next(), 0.2 + rng.next()];
    const pi0 = raw.map((x) => x / (raw[0] + raw[1] + raw[2]));
    const w = relativeVarianceWeights(sigma2, trial % 2 === 0 ? 0 : 0.3);
    const beta = [0.3, 1, 3][trial % 3];
    const objective = (pi: number[]) =>
      pi.reduce((f, p, i) => f + p * r[i], 0) - beta * weightedDivergence(pi, w, pi0);
    const pi = solveVarianceAwareKl(r, w, pi0, beta);
    const grid = gridArgmax(objective, 800);
    close(
      pi.reduce((a, b) => a + b, 0),
      1,
      1e-12,
      "sum",
    );
    // The exact optimum is at least as good as every grid point, and the grid's best lies next to it.
    assert.ok(objective(pi) >= grid.value - 1e-12, `objective ${objective(pi)} < grid ${grid.value}`);
    for (let i = 0; i < 3; i++) close(pi[i], grid.pi[i], 3e-3, `trial ${trial} π_${i}`);
    // Stationarity: r_i − β w_i log(π_i/π0_i) is the same ν for every candidate.
    const nu = r.map((ri, i) => ri - beta * w[i] * Math.log(pi[i] / pi0[i]));
    close(nu[1], nu[0], 1e-9, "ν_1");
    close(nu[2], nu[0], 1e-9, "ν_2");
  }
});

test("variance-aware-kl with w ≡ 1 is the standard KL-tilted policy, also for tiny β", () => {
  const rng = createRng(3);
  const r = Array.from({ length: 9 }, () => 3 * rng.normal());
  const pi0 = new Array<number>(9).fill(1 / 9);
  for (const beta of [1e-3, 0.05, 1, 40]) {
    const aware = solveVarianceAwareKl(r, new Array<number>(9).fill(1), pi0, beta);
    const standard = solveKlTilted(r, pi0, beta);
    for (let i = 0; i < 9; i++) close(aware[i], standard[i], 1e-12, `β ${beta} π_${i}`);
  }
  // τ² → ∞ gives w → 1.
  const w = relativeVarianceWeights([0.1, 2, 0.5], 1e12);
  for (const wi of w) close(wi, 1, 1e-9, "w");
});

test("equal rewards give π0; the weights are relative variances with mean 1 at τ² = 0", () => {
  const pi0 = [0.5, 0.3, 0.2];
  const pi = solveVarianceAwareKl([2, 2, 2], [0.2, 1, 1.8], pi0, 0.7);
  for (let i = 0; i < 3; i++) close(pi[i], pi0[i], 1e-14, `π_${i}`);
  const w = relativeVarianceWeights([1, 2, 3], 0);
  assert.deepEqual(w, [0.5, 1, 1.5]);
  const shrunk = relativeVarianceWeights([1, 2, 3], 2);
  assert.deepEqual(shrunk, [3 / 4, 1, 5 / 4]);
});

test("the naive E_π[w log(π/π0)] is not what is optimised: with zero reward its minimiser is not π0", () => {
  const pi0 = [1 / 3, 1 / 3, 1 / 3];
  const w = relativeVarianceWeights([0.1, 1, 3], 0);
  const zero = [0, 0, 0];
  // The solver's policy with zero reward is π0 (the divergence form is zero only there) …
  const pi = solveVarianceAwareKl(zero, w, pi0, 1);
  for (let i = 0; i < 3; i++) close(pi[i], pi0[i], 1e-14, `π_${i}`);
  const proper = gridArgmax((p) => -weightedDivergence(p, w, pi0), 600);
  for (let i = 0; i < 3; i++) close(proper.pi[i], pi0[i], 2e-3, `divergence minimiser π_${i}`);
  // … while the naive weighted KL is minimised away from π0, towards the low-variance candidate.
  const naive = gridArgmax((p) => -naiveWeightedKl(p, w, pi0), 600);
  assert.ok(klDivergence(naive.pi, pi0) > 0.05, `naive minimiser ${naive.pi} is π0`);
  assert.ok(naive.pi[0] > 0.5, `naive minimiser ${naive.pi} does not drift to the low-variance candidate`);
  assert.ok(naiveWeightedKl(naive.pi, w, pi0) < -0.05, "the naive form is negative somewhere: no divergence");
});

test("matched-KL bisection reaches budgets with the variance-aware-kl solver", () => {
  const rng = createRng(11);
  const r = Array.from({ length: 8 }, () => rng.normal());
  const w = relativeVarianceWeights(
    Array.from({ length: 8 }, () => 0.01 + rng.next()),
    0,
  );
  const pi0 = new Array<number>(8).fill(1 / 8);
  for (const epsilon of [0.001, 0.1, 1]) {
    const match = matchKlBudget((beta) => solveVarianceAwareKl(r, w, pi0, beta), pi0, epsilon, {
      betaStart: varianceAwareKlBetaGuess(r, w, pi0, epsilon),
    });
    assert.ok(match.reached, `ε ${epsilon} not reached`);
    close(match.kl, epsilon, 1e-6 * epsilon, `KL at ε ${epsilon}`);
  }
});

test("align optimize runs variance-aware-kl and euclidean: huge τ² is standard, euclidean is the Σ = I quadratic", () => {
  const rng = createRng(5);
  const input: OptimizeInput = {
    prompts: Array.from({ length: 4 }, (_, p) => ({
      id: `p${p}`,
      trueRewards: Array.from({ length: 5 }, () => rng.normal()),
      memberScores: Array.from({ length: 3 }, () => Array.from({ length: 5 }, () => rng.normal())),
    })),
  };
  const config: OptimizeConfig = {
    methods: ["standard"],
    budgets: [0.05, 0.5],
    betas: [0.3],
    estimate: "member",
    repeats: 1,
    uncertaintyPenalty: 1,
    varianceFloor: 1e-6,
    priorVariance: 1e9,
  };
  const { trials } = runOptimization([input], config, ["standard", "variance-aware-kl", "euclidean"]);
  const standard = trials.filter((t) => t.method === "standard");
  const aware = trials.filter((t) => t.method === "variance-aware-kl");
  assert.equal(aware.length, 3 * 3, "one trial per member, two budgets and one β each");
  aware.forEach((row, i) => {
    close(row.improvement, standard[i].improvement, 1e-6, `row ${i}`);
    close(row.achievedKl, standard[i].achievedKl, 1e-6, `row ${i} KL`);
  });
  // Penalty form of euclidean by hand on member 0 of each prompt.
  const euclidean = trials.find((t) => t.method === "euclidean" && t.member === 0 && t.form === "penalty");
  let expected = 0;
  for (const p of input.prompts) {
    const m = p.memberScores[0].map((s) => s - p.memberScores[0].reduce((a, b) => a + b, 0) / 5);
    const truth = p.trueRewards.map((s) => s - p.trueRewards.reduce((a, b) => a + b, 0) / 5);
    const pi = solveEuclidean(m, new Array<number>(5).fill(0.2), 0.3);
    expected += pi.reduce((d, q, i) => d + (q - 0.2) * truth[i], 0) / 4;
  }
  close(euclidean?.improvement ?? Number.NaN, expected, 1e-12, "euclidean Δ");
  const raw = runOptimization([input], { ...config, priorVariance: 0 }, ["variance-aware-kl"]);
  assert.ok(
    raw.trials.some((row, i) => Math.abs(row.improvement - standard[i].improvement) > 1e-4),
    "τ² = 0 must differ from the standard method",
  );
});
