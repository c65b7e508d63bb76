import assert from "node:assert/strict";
import { test } from "node:test";
import { disagreementIntervals } from "../../src/disagreement/intervals.js";
import { analyseDisagreement } from "../../src/disagreement/stats.js";
import { createRng } from "../../src/runtime/random.js";
import { tinyEnsemble } from "./fixture.js";

test("each interval's estimate is the metric itself, and brackets it", () => {
  const { metrics } = analyseDisagreement(tinyEnsemble(), { examples: 1, seed: 1, resamples: 300 });
  const i = metrics.intervals;
  assert.equal(i.prompts, 3);
  assert.equal(i.pairs, 5);
  const pairs: [number, { estimate: number; lo: number; hi: number }][] = [
    [metrics.signDisagreementRate, i.signDisagreementRate],
    [metrics.minorityContradictionRate, i.minorityContradictionRate],
    [metrics.meanPairwiseFlipRate, i.meanPairwiseFlipRate],
    [metrics.accuracy.mean, i.accuracyMean],
    [metrics.accuracy.ensemble, i.accuracyEnsemble],
    ...metrics.accuracy.perMember.map(
      (a, m) => [a, i.accuracyPerMember[m]] as [number, typeof i.accuracyMean],
    ),
  ];
  for (const [value, interval] of pairs) {
    assert.ok(Math.abs(interval.estimate - value) < 1e-12);
    assert.ok(interval.lo <= value && value <= interval.hi);
  }
});

test("clustered by prompt: the interval matches the cluster-robust standard error of a ratio", () => {
  // 300 prompts with 1-4 pairs each; a pair's correctness shares its prompt's difficulty.
  const rng = createRng(4);
  const promptIndex: number[] = [];
  const correct: number[] = [];
  for (let c = 0; c < 300; c++) {
    const p = 0.3 + 0.6 * rng.next();
    const size = 1 + rng.int(4);
    for (let k = 0; k < size; k++) {
      promptIndex.push(c);
      correct.push(rng.next() < p ? 1 : 0);
    }
  }
  const zeros = correct.map(() => 0);
  const intervals = disagreementIntervals(
    {
      signDisagreement: zeros,
      minorityContradiction: zeros,
      pairwiseFlip: zeros,
      ensembleCorrect: correct,
      memberCorrect: [correct],
    },
    Int32Array.from(promptIndex),
    300,
    { seed: 2, resamples: 2000 },
  );
  const r = correct.reduce((a, b) => a + b, 0) / correct.length;
  // se² = C/(C−1) · Σ_c (y_c − r·n_c)² / N² (the linearised ratio estimator).
  const y = new Float64Array(300);
  const n = new Float64Array(300);
  promptIndex.forEach((c, p) => {
    y[c] += correct[p];
    n[c]++;
  });
  let squares = 0;
  for (let c = 0; c < 300; c++) squares += (y[c] - r * n[c]) ** 2;
  const se = Math.sqrt(((300 / 299) * squares) / correct.length ** 2);
  const width = intervals.accuracyEnsemble.hi - intervals.accuracyEnsemble.lo;
  assert.ok(Math.abs(width - 2 * 1.96 * se) < 0.12 * 2 * 1.96 * se, `${width} vs ${2 * 1.96 * se}`);
  assert.deepEqual(intervals.signDisagreementRate, { estimate: 0, lo: 0, hi: 0 });
});
