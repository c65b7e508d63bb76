import assert from "node:assert/strict";
import { test } from "node:test";
import {
  klDivergence,
  solveEuclidean,
  solveKlTilted,
  solveVarianceAware,
} from "../../src/optimize/policy.js";
import { createRng, type Rng } from "../../src/runtime/random.js";

const close = (actual: number, expected: number, tolerance: number, what = "") =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} ${actual} vs ${expected} (tolerance ${tolerance})`,
  );

const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);

function randomSimplex(rng: Rng, k: number): number[] {
  const w = Array.from({ length: k }, () => 0.05 + rng.next());
  const total = sum(w);
  return w.map((x) => x / total);
}

/** Σ π r − (β/2) Σ σ²(π − π0)², the variance-aware objective. */
function quadraticObjective(
  pi: number[],
  r: number[],
  sigma2: number[],
  pi0: number[],
  beta: number,
): number {
  return pi.reduce((f, p, i) => f + p * r[i] - 0.5 * beta * sigma2[i] * (p - pi0[i]) ** 2, 0);
}

/**
 * Brute force: for every non-empty support S, the equality-constrained optimum on S
 * (π_i = π0_i + (r_i − ν)/(βσ_i²) on S, 0 elsewhere, Σπ = 1); keep the feasible one with the best objective.
 */
function exhaustiveQp(r: number[], sigma2: number[], pi0: number[], beta: number): number[] {
  const k = r.length;
  let best: number[] = [];
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let mask = 1; mask < 1 << k; mask++) {
    const inS = (i: number) => ((mask >> i) & 1) === 1;
    let num = -1;
    let den = 0;
    for (let i = 0; i < k; i++) {
      if (!inS(i)) continue;
      const a = beta * sigma2[i];
      num += pi0[i] + r[i] / a;
      den += 1 / a;
    }
    const nu = num / den;
    const pi = r.map((ri, i) => (inS(i) ? pi0[i] + (ri - nu) / (beta * sigma2[i]) : 0));
    if (pi.some((p) => p < -1e-12)) continue;
    const value = quadraticObjective(pi, r, sigma2, pi0, beta);
    if (value > bestValue) {
      bestValue = value;
      best = pi;
    }
  }
  return best;
}

/** KKT of the variance-aware QP: r_i − βσ_i²(π_i − π0_i) = ν on the support, ≤ ν off it (scaled residuals). */
function assertKkt(pi: number[], r: number[], sigma2: number[], pi0: number[], beta: number): void {
  close(sum(pi), 1, 1e-12, "sum");
  assert.ok(
    pi.every((p) => p >= 0),
    "non-negative",
  );
  const gradient = r.map((ri, i) => ri - beta * sigma2[i] * (pi[i] - pi0[i]));
  const support = pi.map((p, i) => (p > 0 ? i : -1)).filter((i) => i >= 0);
  const nu = gradient[support[0]];
  const scale = Math.max(1, ...r.map(Math.abs), ...gradient.map(Math.abs));
  for (const i of support) close(gradient[i], nu, 1e-9 * scale, `stationarity at ${i}`);
  pi.forEach((p, i) => {
    if (p === 0) assert.ok(gradient[i] <= nu + 1e-9 * scale, `dual feasibility at ${i}`);
  });
}

test("klDivergence matches hand values, with 0·log 0 = 0", () => {
  close(klDivergence([0.5, 0.5], [0.25, 0.75]), 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 1e-15);
  close(klDivergence([1, 0], [0.5, 0.5]), Math.log(2), 1e-15);
  assert.equal(klDivergence([0.2, 0.8], [0.2, 0.8]), 0);
  assert.equal(klDivergence([0.5, 0.5], [1, 0]), Number.POSITIVE_INFINITY);
});

test("solveKlTilted matches a hand value and is stable for tiny β", () => {
  const pi = solveKlTilted([0, Math.log(2)], [0.5, 0.5], 1);
  close(pi[0], 1 / 3, 1e-15);
  close(pi[1], 2 / 3, 1e-15);
  assert.deepEqual(solveKlTilted([1000, 0, -1000], [1 / 3, 1 / 3, 1 / 3], 1e-3), [1, 0, 0]);
  // A candidate the reference never plays gets no mass.
  assert.deepEqual(solveKlTilted([5, 0], [0, 1], 1), [0, 1]);
});

test("solveKlTilted is stationary for the KL objective: r_i − β log(π_i/π0_i) is the same for every i", () => {
  const rng = createRng(11);
  for (let trial = 0; trial < 50; trial++) {
    const k = 2 + rng.int(8);
    const r = Array.from({ length: k }, () => 3 * rng.normal());
    const pi0 = randomSimplex(rng, k);
    const beta = 0.1 + 2 * rng.next();
    const pi = solveKlTilted(r, pi0, beta);
    close(sum(pi), 1, 1e-12);
    const g = r.map((ri, i) => ri - beta * Math.log(pi[i] / pi0[i]));
    for (const gi of g) close(gi, g[0], 1e-9 * Math.max(1, Math.abs(g[0])));
  }
});

test("solveKlTilted beats every point of a fine grid of the 3-simplex on πᵀr − β·KL(π‖π0)", () => {
  const rng = createRng(12);
  for (let trial = 0; trial < 5; trial++) {
    const r = Array.from({ length: 3 }, () => rng.normal());
    const pi0 = randomSimplex(rng, 3);
    const beta = 0.2 + rng.next();
    const objective = (pi: number[]) =>
      pi[0] * r[0] + pi[1] * r[1] + pi[2] * r[2] - beta * klDivergence(pi, pi0);
    const best = objective(solveKlTilted(r, pi0, beta));
    const n = 200;
    for (let i = 0; i <= n; i++) {
      for (let j = 0; i + j <= n; j++) {
        assert.ok(objective([i / n, j / n, (n - i - j) / n]) <= best + 1e-12);
      }
    }
  }
});

test("solveVarianceAware equals the exhaustive active-set optimum and meets the KKT conditions", () => {
  const rng = createRng(13);
  let clipped = 0;
  for (let trial = 0; trial < 300; trial++) {
    const k = 2 + rng.int(6);
    const r = Array.from({ length: k }, () => 2 * rng.normal());
    const sigma2 = Array.from({ length: k }, () => 0.01 + 3 * rng.next());
    const pi0 = randomSimplex(rng, k);
    const beta = 10 ** (-1.5 + 3 * rng.next());
    const pi = solveVarianceAware(r, sigma2, pi0, beta);
    assertKkt(pi, r, sigma2, pi0, beta);
    const brute = exhaustiveQp(r, sigma2, pi0, beta);
    for (const [i, p] of pi.entries()) close(p, brute[i], 1e-9, `π_${i}`);
    if (pi.some((p) => p === 0)) clipped++;
  }
  // The instances exercise both interior and boundary solutions.
  assert.ok(clipped > 50 && clipped < 280, `clipped ${clipped}`);
});

test("solveEuclidean equals the Euclidean projection of π0 + r/β onto the simplex", () => {
  // Independent route (Duchi et al. 2008): sort v descending, θ = (Σ_{i≤ρ} v_i − 1)/ρ, π = max(v − θ, 0).
  const project = (v: number[]) => {
    const u = [...v].sort((a, b) => b - a);
    let cumulative = 0;
    let theta = 0;
    u.forEach((ui, j) => {
      cumulative += ui;
      const candidate = (cumulative - 1) / (j + 1);
      if (ui - candidate > 0) theta = candidate;
    });
    return v.map((vi) => Math.max(0, vi - theta));
  };
  const rng = createRng(14);
  for (let trial = 0; trial < 100; trial++) {
    const k = 2 + rng.int(10);
    const r = Array.from({ length: k }, () => rng.normal());
    const pi0 = randomSimplex(rng, k);
    const beta = 10 ** (-1 + 2 * rng.next());
    const expected = project(pi0.map((p, i) => p + r[i] / beta));
    for (const [i, p] of solveEuclidean(r, pi0, beta).entries()) close(p, expected[i], 1e-12);
  }
});

test("with Σ = c·I the variance-aware solution is the Euclidean one at β·c", () => {
  const rng = createRng(15);
  for (let trial = 0; trial < 50; trial++) {
    const k = 2 + rng.int(8);
    const r = Array.from({ length: k }, () => rng.normal());
    const pi0 = randomSimplex(rng, k);
    const beta = 10 ** (-1 + 2 * rng.next());
    const c = 0.1 + 5 * rng.next();
    const aware = solveVarianceAware(r, new Array(k).fill(c), pi0, beta);
    const euclidean = solveEuclidean(r, pi0, beta * c);
    for (const [i, p] of aware.entries()) close(p, euclidean[i], 1e-12);
  }
});

test("floored (near-zero) variances: valid policy, mass moves freely to the certain candidates", () => {
  const floor = 1e-6;
  const r = [1, 0.5, 0, -0.2];
  const pi0 = [0.25, 0.25, 0.25, 0.25];
  const allFloored = solveVarianceAware(r, new Array(4).fill(floor), pi0, 1);
  assert.deepEqual(allFloored, [1, 0, 0, 0]);
  const sigma2 = [1, floor, 2, floor];
  for (const beta of [1e-3, 0.1, 1, 10, 1e4]) {
    const pi = solveVarianceAware(r, sigma2, pi0, beta);
    assertKkt(pi, r, sigma2, pi0, beta);
  }
});

test("equal rewards give π0 for every solver", () => {
  const pi0 = [0.1, 0.2, 0.3, 0.4];
  const r = [2.5, 2.5, 2.5, 2.5];
  for (const beta of [1e-3, 1, 1e3]) {
    for (const pi of [
      solveKlTilted(r, pi0, beta),
      solveVarianceAware(r, [1e-6, 1, 4, 0.5], pi0, beta),
      solveEuclidean(r, pi0, beta),
    ]) {
      for (const [i, p] of pi.entries()) close(p, pi0[i], 1e-12);
    }
  }
});

test("solveVarianceAware handles many candidates (the sort path above 32)", () => {
  const rng = createRng(16);
  const k = 200;
  const r = Array.from({ length: k }, () => rng.normal());
  const sigma2 = Array.from({ length: k }, () => 0.1 + rng.next());
  const pi0 = randomSimplex(rng, k);
  for (const beta of [0.01, 1, 100])
    assertKkt(solveVarianceAware(r, sigma2, pi0, beta), r, sigma2, pi0, beta);
});
