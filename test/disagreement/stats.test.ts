import assert from "node:assert/strict";
import { test } from "node:test";
import {
  accuracyByDecile,
  analyseDisagreement,
  decileBuckets,
  exampleIndices,
  histogram,
} from "../../src/disagreement/stats.js";
import { UserError } from "../../src/runtime/errors.js";
import { createRng } from "../../src/runtime/random.js";
import { median, sampleStd } from "../../src/runtime/stats.js";
import { tinyEnsemble } from "./fixture.js";

const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);
const closeAll = (actual: ArrayLike<number>, expected: number[], tolerance = 1e-12) => {
  assert.equal(actual.length, expected.length);
  expected.forEach((value, i) => {
    close(actual[i], value, tolerance);
  });
};

const root3 = Math.sqrt(3);
// Sample stds of the margins per pair: p1 [2,1,3] → 1, p2 [1,-1,1] → 2/√3, p3 [2,2,-2] → 4/√3, p4 [-1,0,-2] → 1, p5 [3,1,1] → 2/√3.
const marginStds = [1, 2 / root3, 4 / root3, 1, 2 / root3];

const { metrics, rows } = analyseDisagreement(tinyEnsemble(), { examples: 1, seed: 7, resamples: 200 });

test("counts and member accuracies on the tiny ensemble", () => {
  assert.equal(metrics.members, 3);
  assert.equal(metrics.pairs, 5);
  assert.equal(metrics.prompts, 3);
  assert.equal(metrics.accuracy.basis, "raw");
  // Positive margins: m0 4 of 5, m1 3 of 5 and its zero on p4 a tie counting ½ (3.5 of 5), m2 3 of 5.
  assert.deepEqual(metrics.accuracy.perMember, [0.8, 0.7, 0.6]);
  close(metrics.accuracy.mean, 0.7);
  // Deviations 0.1, 0, −0.1: s² = 0.02 / 2 = 0.01.
  close(metrics.accuracy.std, 0.1);
  assert.equal(metrics.accuracy.min, 0.6);
  assert.equal(metrics.accuracy.max, 0.8);
  // Mean margins [2, 1/3, 2/3, −1, 5/3]: all but p4 positive.
  assert.equal(metrics.accuracy.ensemble, 0.8);
});

test("margin std summary and histogram", () => {
  assert.equal(metrics.marginStd.basis, "raw");
  close(metrics.marginStd.mean, (2 + 8 / root3) / 5);
  close(metrics.marginStd.median, 2 / root3);
  const bins = metrics.marginStd.histogram;
  assert.equal(bins.length, 20);
  close(bins[0].lo, 0);
  close(bins[19].hi, 4 / root3);
  assert.equal(
    bins.reduce((sum, bin) => sum + bin.count, 0),
    5,
  );
  // Width (4/√3)/20 ≈ 0.1155: std 1 falls in bin 8, the largest std in the last bin.
  assert.equal(bins[8].count, 2);
  assert.equal(bins[19].count, 1);
});

test("sign statistics: zero margins break unanimity but never contradict a majority", () => {
  // Not unanimous: p2 (+ − +), p3 (+ + −), p4 (− 0 −).
  close(metrics.signDisagreementRate, 3 / 5);
  // Strict majority contradicted by the opposite sign: p2 and p3; p4 has a zero, not a '+'.
  close(metrics.minorityContradictionRate, 2 / 5);
  // Member pairs (0,1): p2, p4 differ; (0,2): p3; (1,2): p2, p3, p4 → (2 + 1 + 3) / 15.
  close(metrics.meanPairwiseFlipRate, 6 / 15);
});

test("correlations are on per-prompt-centred rewards, with ties handled", () => {
  const { correlation } = metrics;
  assert.equal(correlation.basis, "centred");
  assert.equal(correlation.responses, 10);
  // Centred m0 = [5/4, −3/4, 1/4, −3/4, 1, −1, −3/2, −1/2, 5/2, −1/2], m1 = [1, 0, −1, 0, 1, −1, −1/4, −1/4, 3/4, −1/4]
  // (both have mean 0): Σxy = 5.5, Σx² = 13.75, Σy² = 4.75.
  close(correlation.pearson.matrix[0][1], 5.5 / Math.sqrt(13.75 * 4.75));
  // The remaining entries were computed independently with scipy.stats (pearsonr, spearmanr, kendalltau variant "b").
  const expected = {
    pearson: [0.6805570473787205, 0.5664411840370207, 0.16062314155080887],
    spearman: [0.5732782718831053, 0.5696840153107805, 0.09434148851749267],
    kendall: [0.36628971787912823, 0.4048766819951098, 0.0750234484920533],
  };
  for (const method of ["pearson", "spearman", "kendall"] as const) {
    const { matrix, meanOffDiagonal } = correlation[method];
    closeAll([matrix[0][1], matrix[0][2], matrix[1][2]], expected[method]);
    closeAll([matrix[1][0], matrix[2][0], matrix[2][1]], expected[method]);
    closeAll([matrix[0][0], matrix[1][1], matrix[2][2]], [1, 1, 1]);
    close(meanOffDiagonal, expected[method].reduce((a, b) => a + b) / 3);
  }
});

test("per-response reward std across members, raw and centred", () => {
  // Raw per-response variances: 7/3, 1/3, 7/3, 1/3, 7, 13/3, 7/3, 1/3, 1, 1/3.
  const raw = [7 / 3, 1 / 3, 7 / 3, 1 / 3, 7, 13 / 3, 7 / 3, 1 / 3, 1, 1 / 3].map(Math.sqrt);
  close(metrics.rewardStd.raw.mean, raw.reduce((a, b) => a + b) / 10);
  close(metrics.rewardStd.raw.median, (1 + Math.sqrt(7 / 3)) / 2);
  // Centred per-response variances (in 48ths): 13, 13, 21, 13, 64, 64, 31, 7, 39, 7.
  const centred = [13, 13, 21, 13, 64, 64, 31, 7, 39, 7].map((v) => Math.sqrt(v / 48));
  close(metrics.rewardStd.centred.mean, centred.reduce((a, b) => a + b) / 10);
  close(metrics.rewardStd.centred.median, (Math.sqrt(13 / 48) + Math.sqrt(21 / 48)) / 2);
});

test("uncertainty vs error: deciles of margin std and their Spearman correlation", () => {
  const { basis, deciles, spearmanStdVsError } = metrics.uncertaintyVsError;
  assert.equal(basis, "raw");
  // Sorted by std, ties by pair order: p1, p4, p2, p5, p3 at ranks 0..4 → deciles ⌊10i/5⌋ + 1 = 1, 3, 5, 7, 9.
  assert.deepEqual(
    deciles.map(({ decile, pairs, accuracy }) => [decile, pairs, accuracy]),
    [
      [1, 1, 1],
      [3, 1, 0],
      [5, 1, 1],
      [7, 1, 1],
      [9, 1, 1],
    ],
  );
  closeAll(
    deciles.map((row) => row.lo),
    [1, 1, 2 / root3, 2 / root3, 4 / root3],
  );
  closeAll(
    deciles.map((row) => row.hi),
    [1, 1, 2 / root3, 2 / root3, 4 / root3],
  );
  // Std ranks [1.5, 3.5, 5, 1.5, 3.5], error ranks [2.5, 2.5, 2.5, 5, 2.5]: Σdxdy = −3.75, Σdx² = 9, Σdy² = 5.
  close(spearmanStdVsError, -3.75 / Math.sqrt(45));
});

test("per-pair rows", () => {
  assert.deepEqual(
    rows.map((row) => row.pairId),
    ["p1", "p2", "p3", "p4", "p5"],
  );
  closeAll(
    rows.map((row) => row.meanMargin),
    [2, 1 / 3, 2 / 3, -1, 5 / 3],
  );
  closeAll(
    rows.map((row) => row.marginStd),
    marginStds,
  );
  assert.deepEqual(
    rows.map((row) => [row.minMargin, row.maxMargin, row.positiveMembers, row.ensembleCorrect]),
    [
      [1, 3, 3, true],
      [-1, 1, 2, true],
      [-2, 2, 2, true],
      [-2, 0, 0, false],
      [1, 3, 3, true],
    ],
  );
});

test("examples: the most disputed pair with raw and centred scores, then a seeded random one", () => {
  const [disputed, random] = metrics.examples;
  assert.equal(metrics.examples.length, 2);
  assert.equal(disputed.kind, "disputed");
  assert.equal(disputed.pairId, "p3");
  assert.equal(disputed.prompt, "prompt B");
  close(disputed.marginStd, 4 / root3);
  close(disputed.meanMargin, 2 / 3);
  assert.deepEqual(disputed.raw, { chosen: [5, 1, 0], rejected: [3, -1, 2] });
  // p3 is prompt B's only pair, so its centre is the mean of its two responses: 4, 0, 1.
  assert.deepEqual(disputed.centred, { chosen: [1, 1, -1], rejected: [-1, -1, 1] });
  assert.equal(random.kind, "random");
  assert.notEqual(random.pairId, "p3");
  assert.deepEqual(
    analyseDisagreement(tinyEnsemble(), { examples: 1, seed: 7, resamples: 200 }).metrics.examples,
    metrics.examples,
  );
  // Prompt A is centred over four responses: m0 raw [3, 1, 2, 1] − 7/4, m1 [2, 1, 0, 1] − 1, m2 [5, 2, 3, 2] − 3.
  const { metrics: all } = analyseDisagreement(tinyEnsemble(), { examples: 5, seed: 7, resamples: 200 });
  const p1 = all.examples.find((example) => example.pairId === "p1");
  assert.deepEqual(p1?.centred.chosen, [5 / 4, 1, 2]);
  assert.deepEqual(p1?.centred.rejected, [-3 / 4, 0, -1]);
});

test("exampleIndices: top-k by std, then k distinct others, deterministic in the seed", () => {
  const rng = createRng(3);
  const stds = Array.from({ length: 40 }, () => rng.int(10) / 10);
  const picks = exampleIndices(stds, 4, 11);
  const bySpread = Array.from({ length: 40 }, (_, i) => i).sort((a, b) => stds[b] - stds[a] || a - b);
  assert.deepEqual(
    picks.filter((pick) => pick.kind === "disputed").map((pick) => pick.pair),
    bySpread.slice(0, 4),
  );
  const random = picks.filter((pick) => pick.kind === "random").map((pick) => pick.pair);
  assert.equal(random.length, 4);
  assert.equal(new Set(random).size, 4);
  assert.ok(random.every((pair) => !bySpread.slice(0, 4).includes(pair)));
  assert.deepEqual(exampleIndices(stds, 4, 11), picks);
  const draws = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(exampleIndices(stds, 4, seed))));
  assert.ok(draws.size > 1, "different seeds should draw different random pairs");
  // Fewer pairs than 2k: every pair appears exactly once.
  const few = exampleIndices([0.1, 0.5, 0.3], 2, 1);
  assert.deepEqual(few.slice(0, 2), [
    { pair: 1, kind: "disputed" },
    { pair: 2, kind: "disputed" },
  ]);
  assert.deepEqual(few.slice(2), [{ pair: 0, kind: "random" }]);
});

test("decileBuckets: equal-count groups in order of value, ties by index", () => {
  const rng = createRng(9);
  const values = Array.from({ length: 25 }, () => rng.int(7));
  const buckets = decileBuckets(values);
  // Rank i falls in decile ⌊10i/25⌋: sizes alternate 3, 2.
  assert.deepEqual(
    buckets.map((bucket) => bucket.length),
    [3, 2, 3, 2, 3, 2, 3, 2, 3, 2],
  );
  const flat = buckets.flat();
  assert.deepEqual(
    flat,
    Array.from({ length: 25 }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b),
  );
  // Three tied values: ranks 0, 1, 2 → deciles ⌊0⌋, ⌊10/3⌋, ⌊20/3⌋ = 0, 3, 6, in index order.
  assert.deepEqual(decileBuckets([0, 0, 0]), [[0], [], [], [1], [], [], [2], [], [], []]);
  const rows = accuracyByDecile(
    Array.from({ length: 20 }, (_, i) => i / 10),
    [...Array(10).fill(true), ...Array(10).fill(false)],
  );
  assert.deepEqual(
    rows.map((row) => [row.decile, row.pairs, row.accuracy]),
    Array.from({ length: 10 }, (_, d) => [d + 1, 2, d < 5 ? 1 : 0]),
  );
  assert.deepEqual([rows[3].lo, rows[3].hi], [0.6, 0.7]);
});

test("histogram, median and sample std on small inputs", () => {
  assert.deepEqual(
    histogram([0, 0.5, 1, 1, 2], 4, 0, 2).map((bin) => bin.count),
    [1, 1, 2, 1],
  );
  assert.deepEqual(histogram([0, 0], 3, 0, 0), [
    { lo: 0, hi: 0, count: 2 },
    { lo: 0, hi: 0, count: 0 },
    { lo: 0, hi: 0, count: 0 },
  ]);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  // Σ(x − 5)² = 32 over 7 degrees of freedom.
  close(sampleStd([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
});

test("input errors: one member is a user error, a NaN or a ragged array is a bug", () => {
  const scores = tinyEnsemble();
  assert.throws(
    () =>
      analyseDisagreement(
        { ...scores, chosen: scores.chosen.slice(0, 1), rejected: scores.rejected.slice(0, 1) },
        { examples: 1, seed: 1, resamples: 200 },
      ),
    (error: unknown) => error instanceof UserError && /rewardModel\.members/.test(error.message),
  );
  const withNaN = tinyEnsemble();
  withNaN.rejected[2][3] = Number.NaN;
  assert.throws(
    () => analyseDisagreement(withNaN, { examples: 1, seed: 1, resamples: 200 }),
    /member 2 .*rejected.* pair p4/,
  );
  const ragged = tinyEnsemble();
  ragged.chosen[1] = ragged.chosen[1].subarray(0, 4);
  assert.throws(
    () => analyseDisagreement(ragged, { examples: 1, seed: 1, resamples: 200 }),
    /chosen\[1\] has 4 scores/,
  );
});
