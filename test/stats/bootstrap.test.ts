import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "../../src/runtime/random.js";
import { mean, sampleStd } from "../../src/runtime/stats.js";
import {
  bootstrapTable,
  bootstrapUnits,
  meanAt,
  pairedMeanDifference,
  percentileInterval,
  quantileSorted,
  ratioAt,
  unpairedMeanDifference,
} from "../../src/stats/bootstrap.js";
import { wilsonInterval } from "../../src/stats/proportion.js";
import { verdictOf } from "../../src/stats/verdict.js";

const options = { seed: 11, resamples: 2000 };

test("type-7 quantiles and the central 95% of replicates, by hand", () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileSorted([1, 2, 3, 4], 0), 1);
  assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
  // 41 replicates 1..41: h = 40·0.025 = 1 and 40·0.975 = 39, so the 2nd and the 40th.
  const replicates = Array.from({ length: 41 }, (_, i) => 41 - i);
  assert.deepEqual(percentileInterval(7, replicates), { estimate: 7, lo: 2, hi: 40 });
});

test("a tiny case whose bootstrap distribution is enumerable: the mean of {1, 2, 6}", () => {
  // 27 equally likely resamples; the extremes 1 and 6 each have probability 1/27 = 3.7% > 2.5%, so the
  // 2.5% and 97.5% quantiles of the bootstrap distribution are exactly 1 and 6.
  const values = [1, 2, 6];
  const interval = bootstrapUnits(3, (i) => meanAt(values, i), options);
  assert.deepEqual(interval, { estimate: 3, lo: 1, hi: 6 });
});

test("the mean's interval matches the normal approximation x̄ ± 1.96·s/√n on a large sample", () => {
  const rng = createRng(5);
  const values = Array.from({ length: 2000 }, () => 1 + 2 * rng.normal());
  const interval = bootstrapUnits(values.length, (i) => meanAt(values, i), options);
  const half = (1.96 * sampleStd(values)) / Math.sqrt(values.length);
  assert.ok(Math.abs(interval.estimate - mean(values)) < 1e-12);
  assert.ok(Math.abs(interval.lo - (mean(values) - half)) < 0.1 * half, `lo ${interval.lo}`);
  assert.ok(Math.abs(interval.hi - (mean(values) + half)) < 0.1 * half, `hi ${interval.hi}`);
});

test("a paired difference on correlated data is far narrower than the unpaired one", () => {
  const rng = createRng(9);
  const shared = Array.from({ length: 300 }, () => rng.normal());
  const a = shared.map((z) => z + 0.1 + 0.05 * rng.normal());
  const b = shared.map((z) => z + 0.05 * rng.normal());
  const paired = pairedMeanDifference(a, b, options);
  const unpaired = unpairedMeanDifference(a, b, options);
  assert.ok(Math.abs(paired.estimate - unpaired.estimate) < 1e-12);
  const width = (i: { lo: number; hi: number }) => i.hi - i.lo;
  assert.ok(width(paired) < 0.1 * width(unpaired), `${width(paired)} vs ${width(unpaired)}`);
  assert.ok(paired.lo > 0, "the paired interval sees the shift of 0.1");
  assert.ok(unpaired.lo < 0, "the unpaired one cannot");
  // Oracle: the paired difference's normal interval, 1.96·s_d/√n.
  const d = a.map((x, i) => x - b[i]);
  const half = (1.96 * sampleStd(d)) / Math.sqrt(d.length);
  assert.ok(Math.abs(width(paired) - 2 * half) < 0.15 * 2 * half);
});

test("two-way bootstrap of a grand mean matches √(s_rows²/T + s_cols²/X)", () => {
  const rng = createRng(3);
  const [T, X] = [40, 200];
  const rowEffect = Array.from({ length: T }, () => rng.normal());
  const colEffect = Array.from({ length: X }, () => 0.5 * rng.normal());
  const table = rowEffect.map((r) => colEffect.map((c) => r + c));
  const grand = (rows: Int32Array, cols: Int32Array) => {
    let sum = 0;
    for (const t of rows) for (const x of cols) sum += table[t][x];
    return sum / (rows.length * cols.length);
  };
  const interval = bootstrapTable(T, X, grand, options);
  const se = Math.sqrt(sampleStd(rowEffect) ** 2 / T + sampleStd(colEffect) ** 2 / X);
  const width = interval.hi - interval.lo;
  assert.ok(Math.abs(width - 2 * 1.96 * se) < 0.15 * 2 * 1.96 * se, `${width} vs ${2 * 1.96 * se}`);
});

test("one row: the two-way bootstrap resamples the columns only, as the one-way one does", () => {
  const values = [0.3, -1, 2, 0.5, 0.1];
  const one = bootstrapUnits(5, (i) => meanAt(values, i), options);
  const table = bootstrapTable(1, 5, (_, cols) => meanAt(values, cols), options);
  assert.deepEqual(table, one);
});

test("seeded: the same seed gives the same interval, another seed another", () => {
  const values = [0.3, -1, 2, 0.5, 0.1, 4, -2];
  const run = (seed: number) => bootstrapUnits(7, (i) => meanAt(values, i), { seed, resamples: 500 });
  assert.deepEqual(run(1), run(1));
  assert.notDeepEqual(run(1), run(2));
});

test("ratio over clusters weighs each cluster by its size", () => {
  assert.equal(ratioAt([1, 3], [2, 4], Int32Array.from([0, 1])), 4 / 6);
  assert.equal(ratioAt([1, 3], [2, 4], Int32Array.from([1, 1])), 6 / 8);
});

test("Wilson score interval against published values", () => {
  const none = wilsonInterval(0, 5);
  assert.equal(none.lo, 0);
  assert.ok(Math.abs(none.hi - 0.43448) < 1e-4);
  const half = wilsonInterval(5, 10);
  assert.ok(Math.abs(half.lo - 0.23659) < 1e-4 && Math.abs(half.hi - 0.76341) < 1e-4);
});

test("verdicts: holds on the claimed side, does not hold on the other, inconclusive across", () => {
  assert.equal(verdictOf({ lo: 0.2, hi: 0.3 }, "above", 0.1), "holds");
  assert.equal(verdictOf({ lo: 0.0, hi: 0.1 }, "above", 0.1), "does not hold");
  assert.equal(verdictOf({ lo: 0.05, hi: 0.3 }, "above", 0.1), "inconclusive");
  assert.equal(verdictOf({ lo: 0.1, hi: 0.3 }, "at least", 0.1), "holds");
  assert.equal(verdictOf({ lo: 0.0, hi: 0.09 }, "at least", 0.1), "does not hold");
  assert.equal(verdictOf({ lo: -0.2, hi: -0.1 }, "below", 0), "holds");
  assert.equal(verdictOf({ lo: 0, hi: 0 }, "below", 0), "does not hold");
  assert.equal(verdictOf({ lo: -0.1, hi: 0.1 }, "below", 0), "inconclusive");
  assert.equal(verdictOf({ lo: 0, hi: 0 }, "at most", 0), "holds");
  assert.equal(verdictOf({ lo: 0.01, hi: 0.1 }, "at most", 0), "does not hold");
  assert.equal(verdictOf({ lo: Number.NaN, hi: 1 }, "at most", 0), "inconclusive");
});
