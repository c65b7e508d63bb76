import assert from "node:assert/strict";
import { test } from "node:test";
import { klTiltedBetaGuess, matchKlBudget, varianceAwareBetaGuess } from "../../src/optimize/budget.js";
import { klDivergence, solveKlTilted, solveVarianceAware } from "../../src/optimize/policy.js";
import { createRng } from "../../src/runtime/random.js";

const close = (actual: number, expected: number, tolerance: number, what = "") =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} ${actual} vs ${expected} (tolerance ${tolerance})`,
  );

test("matchKlBudget finds the hand-computed β of a two-candidate KL-tilted policy", () => {
  // π = (1/4, 3/4) needs exp(1/β) = 3, i.e. β = 1/ln 3, and has KL = ¼ ln ½ + ¾ ln (3/2).
  const pi0 = [0.5, 0.5];
  const epsilon = 0.25 * Math.log(0.5) + 0.75 * Math.log(1.5);
  const match = matchKlBudget((beta) => solveKlTilted([0, 1], pi0, beta), pi0, epsilon);
  assert.equal(match.reached, true);
  close(match.beta, 1 / Math.log(3), 1e-5);
  close(match.pi[1], 0.75, 1e-6);
  close(match.kl, epsilon, 1e-6 * epsilon);
});

test("matchKlBudget meets budgets for both solvers, from good and poor starting β", () => {
  const rng = createRng(21);
  for (let trial = 0; trial < 40; trial++) {
    const k = 2 + rng.int(9);
    const r = Array.from({ length: k }, () => rng.normal());
    const sigma2 = Array.from({ length: k }, () => 0.05 + 2 * rng.next());
    const pi0 = new Array(k).fill(1 / k);
    for (const epsilon of [1e-4, 0.01, 0.1, 0.5]) {
      const solvers = [
        { solve: (b: number) => solveKlTilted(r, pi0, b), guess: klTiltedBetaGuess(r, pi0, epsilon) },
        {
          solve: (b: number) => solveVarianceAware(r, sigma2, pi0, b),
          guess: varianceAwareBetaGuess(r, sigma2, pi0, epsilon),
        },
      ];
      for (const { solve, guess } of solvers) {
        for (const betaStart of [guess, 1e-9, 1e9]) {
          const match = matchKlBudget(solve, pi0, epsilon, { betaStart });
          assert.equal(match.reached, true);
          close(match.kl, epsilon, 1e-6 * epsilon, "kl");
          close(klDivergence(match.pi, pi0), match.kl, 0, "returned kl is the policy's");
          assert.deepEqual(match.pi, solve(match.beta));
        }
      }
    }
  }
});

test("matchKlBudget honours a looser relative tolerance", () => {
  const pi0 = [0.25, 0.25, 0.25, 0.25];
  const r = [0.3, -1, 2, 0.1];
  const match = matchKlBudget((b) => solveKlTilted(r, pi0, b), pi0, 0.2, { relativeTolerance: 1e-2 });
  close(match.kl, 0.2, 2e-3);
});

test("an out-of-reach budget returns the β → 0 limit, flagged unreached", () => {
  const pi0 = [1 / 3, 1 / 3, 1 / 3];
  // The limit puts all mass on the best candidate: KL = ln 3 < 2.
  const single = matchKlBudget((b) => solveKlTilted([0, 1, -1], pi0, b), pi0, 2);
  assert.equal(single.reached, false);
  close(single.kl, Math.log(3), 1e-12);
  close(single.pi[1], 1, 1e-12);
  // Two tied best candidates keep sharing the mass as β → 0: π_i = π0_i + c/σ_i² on the tie, so with
  // σ² = (1, 2) and Σπ = 1, c = 2/9 and π = (5/9, 4/9, 0).
  const tied = matchKlBudget((b) => solveVarianceAware([1, 1, 0], [1, 2, 1], pi0, b), pi0, 1);
  assert.equal(tied.reached, false);
  close(tied.pi[0], 5 / 9, 1e-12);
  close(tied.pi[1], 4 / 9, 1e-12);
  assert.equal(tied.pi[2], 0);
  close(tied.kl, (5 / 9) * Math.log(5 / 3) + (4 / 9) * Math.log(4 / 3), 1e-12);
});

test("equal rewards: KL stays 0, π0 comes back unreached", () => {
  const pi0 = [0.2, 0.3, 0.5];
  for (const solve of [
    (b: number) => solveKlTilted([1, 1, 1], pi0, b),
    (b: number) => solveVarianceAware([1, 1, 1], [1e-6, 1, 1], pi0, b),
  ]) {
    const match = matchKlBudget(solve, pi0, 0.1);
    assert.equal(match.reached, false);
    close(match.kl, 0, 1e-12);
    for (const [i, p] of match.pi.entries()) close(p, pi0[i], 1e-9);
  }
});

test("the β guesses are accurate for small budgets (second-order expansions)", () => {
  const rng = createRng(22);
  for (let trial = 0; trial < 20; trial++) {
    const k = 3 + rng.int(6);
    const r = Array.from({ length: k }, () => rng.normal());
    const sigma2 = Array.from({ length: k }, () => 0.2 + rng.next());
    const pi0 = new Array(k).fill(1 / k);
    const epsilon = 1e-5;
    const tilted = matchKlBudget((b) => solveKlTilted(r, pi0, b), pi0, epsilon);
    close(klTiltedBetaGuess(r, pi0, epsilon) / tilted.beta, 1, 0.02, "kl-tilted guess");
    const aware = matchKlBudget((b) => solveVarianceAware(r, sigma2, pi0, b), pi0, epsilon);
    close(varianceAwareBetaGuess(r, sigma2, pi0, epsilon) / aware.beta, 1, 0.02, "variance-aware guess");
  }
  assert.equal(klTiltedBetaGuess([2, 2], [0.5, 0.5], 0.1), 1, "equal rewards fall back to 1");
});
