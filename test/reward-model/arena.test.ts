import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import { arenaBytes, createArena } from "../../src/reward-model/arena.js";
import { ADAM } from "../../src/runtime/adam.js";
import { initBackend } from "../../src/runtime/backend.js";
import { createRng } from "../../src/runtime/random.js";

await initBackend("cpu");

test("the fused Adam step with L2 follows tf.train.adam on the gradient plus 2λθ, step for step", () => {
  const lambda = 0.03;
  const target = tf.tensor1d([1, -2, 0.5, 3]);
  const start = [0.1, 0.2, -0.3, 0];
  const scale = tf.tensor1d([1, 10, 0.1, 2]);
  const gradient = (x: tf.Tensor) => tf.mul(tf.sub(x, target), scale);
  const reference = tf.variable(tf.tensor1d(start));
  const optimizer = tf.train.adam(0.05);
  const arena = createArena(4 * arenaBytes(4, 4));
  const [param, m, v, grad] = [arena.float32(4), arena.float32(4), arena.float32(4), arena.float32(4)];
  param.set(start);
  for (let step = 1; step <= 20; step++) {
    const withL2 = tf.add(gradient(reference), tf.mul(reference, 2 * lambda));
    optimizer.applyGradients([{ name: reference.name, tensor: withL2 }]);
    grad.set(gradient(tf.tensor1d(param)).dataSync());
    arena.adam(param, m, v, grad, lambda, step, 0.05);
    const want = reference.dataSync();
    for (let i = 0; i < 4; i++) {
      assert.ok(Math.abs(param[i] - want[i]) < 1e-5, `step ${step}, x[${i}]: ${param[i]} vs ${want[i]}`);
    }
  }
});

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The step as a scalar loop in float64, term by term as the docs of AdamArena.step write it. */
function scalarStep(
  param: Float32Array,
  m: Float32Array,
  v: Float32Array,
  grad: Float32Array,
  lambda: number,
  step: number,
  learningRate: number,
): void {
  const { beta1, beta2, epsilon } = ADAM;
  const correction2 = Math.sqrt(1 - beta2 ** step);
  const stepSize = (learningRate * correction2) / (1 - beta1 ** step);
  const eps = epsilon * correction2;
  for (let i = 0; i < param.length; i++) {
    const theta = param[i];
    const g = grad[i] + 2 * lambda * theta;
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = theta - (stepSize * mi) / (Math.sqrt(vi) + eps);
  }
}

test("the WebAssembly step gives the scalar loop's bits, odd lengths included, and zeroes the gradient", () => {
  const rng = createRng(5);
  for (const length of [1, 2, 7, 1000]) {
    const arena = createArena(5 * arenaBytes(length, 4));
    const [param, m, v, grad, filler] = [0, 1, 2, 3, 4].map(() => arena.float32(length));
    filler.fill(1);
    const want = [param, m, v].map((a) => new Float32Array(a.length));
    for (let i = 0; i < length; i++) want[0][i] = param[i] = rng.normal() * 0.1;
    for (let step = 1; step <= 30; step++) {
      const sparse = step % 3 === 0;
      const gradient = Float32Array.from({ length }, (_, i) =>
        sparse && i % 2 ? 0 : rng.normal() * 10 ** rng.int(4),
      );
      grad.set(gradient);
      arena.adam(param, m, v, grad, 1e-3, step, 0.02);
      scalarStep(want[0], want[1], want[2], gradient, 1e-3, step, 0.02);
      assert.deepEqual([param, m, v].map(bytes), want.map(bytes), `length ${length}, step ${step}`);
      assert.ok(
        grad.every((g) => g === 0),
        `length ${length}, step ${step}: the gradient is not zeroed`,
      );
    }
    assert.ok(
      filler.every((x) => x === 1),
      `length ${length}: the step wrote past its arrays`,
    );
  }
});

test("an arena refuses arrays past its room or outside it", () => {
  const arena = createArena(arenaBytes(3, 4));
  const a = arena.float32(3);
  assert.throws(() => arena.float32(1), /full/);
  assert.throws(() => arena.adam(new Float32Array(3), a, a, a, 0, 1, 0.1), /outside the arena/);
});
