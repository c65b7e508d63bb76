import assert from "node:assert/strict";
import { test } from "node:test";
import { type HeadParams, l2Penalty, stackArrays, unstackArrays } from "../../src/reward-model/params.js";

test("the L2 penalty sums the squared weights, not the biases", () => {
  const params: HeadParams = {
    head: "mlp",
    inputDim: 2,
    hiddenUnits: 1,
    tensors: {
      w1: { shape: [2, 1], data: Float32Array.from([1, 2]) },
      b1: { shape: [1], data: Float32Array.from([5]) },
      w2: { shape: [1, 1], data: Float32Array.from([3]) },
    },
  };
  assert.equal(l2Penalty(params, 0.5), 7);
});

test("stacking members' arrays and cutting them apart again is the identity", () => {
  const members = [0, 1, 2].map((g) => ({ w: Float32Array.from([g, g + 0.5]), b: Float32Array.from([-g]) }));
  const stacked = stackArrays(members);
  assert.deepEqual(stacked.w, Float32Array.from([0, 0.5, 1, 1.5, 2, 2.5]));
  assert.deepEqual(unstackArrays(stacked, 3), members);
});
