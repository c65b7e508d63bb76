import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import { adamStep } from "../../src/reward-model/adam.js";
import { initBackend } from "../../src/runtime/backend.js";

await initBackend("cpu");

test("the fused Adam step with L2 follows tf.train.adam on the gradient plus 2λθ, step for step", () => {
  const lambda = 0.03;
  const target = tf.tensor1d([1, -2, 0.5, 3]);
  const start = [0.1, 0.2, -0.3, 0];
  const scale = tf.tensor1d([1, 10, 0.1, 2]);
  const gradient = (x: tf.Tensor) => tf.mul(tf.sub(x, target), scale);
  const reference = tf.variable(tf.tensor1d(start));
  const optimizer = tf.train.adam(0.05);
  const param = Float32Array.from(start);
  const m = new Float32Array(4);
  const v = new Float32Array(4);
  for (let step = 1; step <= 20; step++) {
    const withL2 = tf.add(gradient(reference), tf.mul(reference, 2 * lambda));
    optimizer.applyGradients([{ name: reference.name, tensor: withL2 }]);
    adamStep(param, m, v, gradient(tf.tensor1d(param)).dataSync() as Float32Array, lambda, step, 0.05);
    const want = reference.dataSync();
    for (let i = 0; i < 4; i++) {
      assert.ok(Math.abs(param[i] - want[i]) < 1e-5, `step ${step}, x[${i}]: ${param[i]} vs ${want[i]}`);
    }
  }
});
