import assert from "node:assert/strict";
import { test } from "node:test";
import {
  correlationMatrix,
  kendallTauB,
  meanOffDiagonal,
  pearson,
  ranks,
  spearman,
} from "../../src/disagreement/correlation.js";
import { createRng } from "../../src/runtime/random.js";

const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);

/** τ_b straight from its definition: Σ_{i<j} sign(Δx)·sign(Δy) / sqrt((n0 − n1)(n0 − n2)). */
function bruteForceTauB(x: number[], y: number[]): number {
  let score = 0;
  let pairs = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      score += Math.sign(x[i] - x[j]) * Math.sign(y[i] - y[j]);
      pairs++;
      if (x[i] === x[j]) tiesX++;
      if (y[i] === y[j]) tiesY++;
    }
  }
  return score / Math.sqrt((pairs - tiesX) * (pairs - tiesY));
}

test("pearson matches a hand-computed value and is NaN for a constant series", () => {
  // x̄ = 2.5, ȳ = 5: Σdxdy = 11, Σdx² = 5, Σdy² = 26.
  close(pearson([1, 2, 3, 4], [2, 4, 5, 9]), 11 / Math.sqrt(130));
  close(pearson([1, 2, 3], [6, 4, 2]), -1);
  assert.ok(Number.isNaN(pearson([1, 2, 3], [5, 5, 5])));
});

test("ranks give tied values the average of their ranks", () => {
  assert.deepEqual(Array.from(ranks([5, 7, 5, 1])), [2.5, 4, 2.5, 1]);
  assert.deepEqual(Array.from(ranks([3, 3, 3])), [2, 2, 2]);
});

test("spearman on a tied example equals the hand-computed value", () => {
  // Ranks x: [1.5, 1.5, 3.5, 3.5, 5], y: [1.5, 1.5, 5, 3.5, 3.5]; Σdxdy = 6.75, Σdx² = Σdy² = 9.
  close(spearman([1, 1, 2, 2, 3], [1, 1, 3, 2, 2]), 0.75);
  close(spearman([1, 2, 3, 4], [1, 4, 9, 16]), 1);
});

test("kendallTauB equals textbook values on small tied examples", () => {
  // Pairs: 6 concordant, 1 discordant (2,4), x-ties (0,1) (2,3), y-ties (0,1) (3,4): (6 − 1) / sqrt(8 · 8).
  close(kendallTauB([1, 1, 2, 2, 3], [1, 1, 3, 2, 2]), 0.625);
  // 4 concordant, one tie in x only, one in y only: 4 / sqrt(5 · 5).
  close(kendallTauB([1, 2, 2, 3], [1, 2, 3, 3]), 0.8);
  close(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  close(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.ok(Number.isNaN(kendallTauB([1, 2, 3], [4, 4, 4])));
});

test("kendallTauB (Knight) agrees with the O(n²) definition on random tied data", () => {
  const rng = createRng(42);
  for (const n of [2, 3, 5, 8, 17, 64, 250]) {
    for (let trial = 0; trial < 20; trial++) {
      const levels = 1 + rng.int(6);
      const x = Array.from({ length: n }, () => rng.int(levels));
      const y = Array.from({ length: n }, () => (trial % 2 === 0 ? rng.int(levels) : rng.normal()));
      const expected = bruteForceTauB(x, y);
      const actual = kendallTauB(x, y);
      if (Number.isNaN(expected)) assert.ok(Number.isNaN(actual), `n=${n}: expected NaN, got ${actual}`);
      else close(actual, expected, 1e-12);
    }
  }
});

test("kendallTauB does not reorder its inputs", () => {
  const x = Float64Array.from([3, 1, 2]);
  const y = Float64Array.from([9, 7, 8]);
  kendallTauB(x, y);
  assert.deepEqual(Array.from(x), [3, 1, 2]);
  assert.deepEqual(Array.from(y), [9, 7, 8]);
});

test("correlationMatrix is symmetric with a unit diagonal; meanOffDiagonal averages above it", () => {
  const a = [1, 2, 3, 4];
  const matrix = correlationMatrix([a, [4, 3, 2, 1], [1, 2, 4, 3]], kendallTauB);
  // τ(a, reversed) = −1, τ(a, [1,2,4,3]) = (5 − 1)/6, τ(reversed, [1,2,4,3]) = (1 − 5)/6.
  assert.deepEqual(matrix, [
    [1, -1, 4 / 6],
    [-1, 1, -4 / 6],
    [4 / 6, -4 / 6, 1],
  ]);
  close(meanOffDiagonal(matrix), -1 / 3);
});
