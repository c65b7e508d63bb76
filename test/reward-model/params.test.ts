import assert from "node:assert/strict";
import { test } from "node:test";
import { type HeadParams, l2Penalty } from "../../src/reward-model/params.js";

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
