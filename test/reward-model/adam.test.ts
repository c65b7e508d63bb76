import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import { type AdamSlot, adamStep } from "../../src/reward-model/adam.js";
import { initBackend } from "../../src/runtime/backend.js";

await initBackend("cpu");

test("the hand-written Adam step follows tf.train.adam step for step", () => {
  const target = tf.tensor1d([1, -2, 0.5, 3]);
  const start = [0.1, 0.2, -0.3, 0];
  const gradient = (x: tf.Tensor) => tf.mul(tf.sub(x, target), tf.tensor1d([1, 10, 0.1, 2]));
  const reference = tf.variable(tf.tensor1d(start));
  const optimizer = tf.train.adam(0.05);
  let slot: AdamSlot = { param: tf.tensor1d(start), m: tf.zeros([4]), v: tf.zeros([4]) };
  for (let step = 1; step <= 20; step++) {
    optimizer.applyGradients([{ name: reference.name, tensor: gradient(reference) }]);
    slot = adamStep(slot, gradient(slot.param), step, 0.05);
    const got = slot.param.dataSync();
    const want = reference.dataSync();
    for (let i = 0; i < 4; i++) {
      assert.ok(Math.abs(got[i] - want[i]) < 1e-5, `step ${step}, x[${i}]: ${got[i]} vs ${want[i]}`);
    }
  }
});
