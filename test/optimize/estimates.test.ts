import assert from "node:assert/strict";
import { test } from "node:test";
import {
  centre,
  ensembleMean,
  ensembleMin,
  ensembleVariance,
  promptEstimates,
  uncertaintyWeighted,
} from "../../src/optimize/estimates.js";

const closeAll = (actual: number[], expected: number[], tolerance = 1e-15) => {
  assert.equal(actual.length, expected.length);
  for (const [i, a] of actual.entries()) {
    assert.ok(Math.abs(a - expected[i]) <= tolerance, `[${i}] ${a} vs ${expected[i]}`);
  }
};

// Raw scores of three members on three candidates; member 1 sits 3 higher, a Bradley-Terry shift.
const raw = [
  [1, 2, 3],
  [3, 3, 6],
  [0, 1, 2],
];

test("centring removes each member's shift", () => {
  closeAll(centre([1, 2, 3]), [-1, 0, 1]);
  closeAll(centre([3, 3, 6]), [-1, -1, 2]);
});

test("ensemble statistics on centred scores match hand values", () => {
  const e = promptEstimates(raw, 1e-6, 2);
  assert.deepEqual(e.members, [
    [-1, 0, 1],
    [-1, -1, 2],
    [-1, 0, 1],
  ]);
  closeAll(e.mean, [-1, -1 / 3, 4 / 3]);
  // Candidate 0: all members agree (variance 0, floored); candidates 1 and 2: (1/9 + 4/9 + 1/9)/2 = 1/3.
  closeAll(e.variance, [1e-6, 1 / 3, 1 / 3]);
  closeAll(e.worst, [-1, -1, 1]);
  // mean − λ·variance with λ = 2.
  closeAll(e.weighted, [-1 - 2e-6, -1, 2 / 3]);
});

test("the building blocks agree with the hand values directly", () => {
  closeAll(ensembleMean(raw), [4 / 3, 2, 11 / 3]);
  closeAll(ensembleVariance([[1], [3]], 0), [2]);
  closeAll(ensembleMin(raw), [0, 1, 2]);
  closeAll(uncertaintyWeighted([1, 2], [0.5, 1], 3), [-0.5, -1]);
  assert.throws(() => ensembleVariance([[1, 2]], 1e-6), /at least two members/);
});

test("a single member has the floor as variance", () => {
  const e = promptEstimates([[5, 7]], 1e-3, 1);
  closeAll(e.mean, [-1, 1]);
  closeAll(e.variance, [1e-3, 1e-3]);
});
