import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { bradleyTerryLoss, forward, l2Penalty } from "../../src/reward-model/model.js";
import { initBackend } from "../../src/runtime/backend.js";

await initBackend("cpu");

/** Reference Bradley-Terry loss in float64: mean softplus(−m). */
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const referenceLoss = (w: number[], xc: number[][], xr: number[][]) =>
  xc.reduce((sum, row, i) => {
    const margin = row.reduce((s, v, j) => s + v * w[j], 0) - xr[i].reduce((s, v, j) => s + v * w[j], 0);
    return sum + softplus(-margin);
  }, 0) / xc.length;

test("Bradley-Terry loss matches −log σ(margin) by hand", () => {
  const margins = [0, 1, -2, 3.5];
  const expected = margins.reduce((s, m) => s + softplus(-m), 0) / margins.length;
  const got = bradleyTerryLoss(tf.tensor1d(margins)).dataSync()[0];
  assert.ok(Math.abs(got - expected) < 1e-6, `${got} vs ${expected}`);
  assert.ok(Math.abs(bradleyTerryLoss(tf.tensor1d([0])).dataSync()[0] - Math.log(2)) < 1e-7);
});

test("Bradley-Terry loss is finite and exact for margins of ±1e4", () => {
  const big = bradleyTerryLoss(tf.tensor1d([1e4])).dataSync()[0];
  const small = bradleyTerryLoss(tf.tensor1d([-1e4])).dataSync()[0];
  assert.ok(Number.isFinite(big) && big >= 0 && big < 1e-6);
  assert.ok(Math.abs(small - 1e4) < 1e-2, `${small}`);
  const grads = tf
    .grad((m: tf.Tensor) => bradleyTerryLoss(m as tf.Tensor1D))(tf.tensor1d([1e4, -1e4]))
    .dataSync();
  assert.ok(grads.every(Number.isFinite));
  assert.ok(Math.abs(grads[1] + 0.5) < 1e-6);
});

test("gradient of the linear-head loss with L2 matches finite differences", () => {
  const w = [0.3, -0.2, 0.5, 0.1];
  const xc = [
    [1, 0, 0.5, 0],
    [0, 1, 0, 0.2],
    [0.3, 0.3, 0.3, 0.3],
  ];
  const xr = [
    [0, 1, 0, 0],
    [0.5, 0, 0.5, 0],
    [0, 0, 1, 0],
  ];
  const lambda = 0.01;
  const objective = (wt: tf.Tensor) => {
    const v = { w: wt };
    const margins = tf.sub(forward("linear", v, tf.tensor2d(xc)), forward("linear", v, tf.tensor2d(xr)));
    return tf.add(bradleyTerryLoss(margins as tf.Tensor1D), l2Penalty(v, lambda));
  };
  const analytic = tf
    .grad(objective)(tf.tensor2d(w, [4, 1]))
    .dataSync();
  const full = (ws: number[]) => referenceLoss(ws, xc, xr) + lambda * ws.reduce((s, v) => s + v * v, 0);
  const h = 1e-5;
  for (let j = 0; j < w.length; j++) {
    const plus = [...w];
    const minus = [...w];
    plus[j] += h;
    minus[j] -= h;
    const numeric = (full(plus) - full(minus)) / (2 * h);
    assert.ok(Math.abs(analytic[j] - numeric) < 1e-4, `w[${j}]: ${analytic[j]} vs ${numeric}`);
  }
});

test("gradient of the mlp-head loss matches finite differences", () => {
  const D = 3;
  const H = 2;
  const init = { w1: [0.2, -0.1, 0.4, 0.3, -0.5, 0.1], b1: [0.05, 0.1], w2: [0.7, -0.3] };
  const xc = tf.tensor2d([
    [1, 0.2, 0],
    [0, 1, 0.5],
  ]);
  const xr = tf.tensor2d([
    [0, 0, 1],
    [0.4, 0.4, 0],
  ]);
  const lossOf = (w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor) => {
    const v = { w1, b1, w2 };
    const margins = tf.sub(forward("mlp", v, xc), forward("mlp", v, xr));
    return bradleyTerryLoss(margins as tf.Tensor1D);
  };
  const tensors = () => [tf.tensor2d(init.w1, [D, H]), tf.tensor1d(init.b1), tf.tensor2d(init.w2, [H, 1])];
  const grads = tf.grads((w1, b1, w2) => lossOf(w1, b1, w2))(tensors());
  const value = (w1: number[], b1: number[], w2: number[]) =>
    lossOf(tf.tensor2d(w1, [D, H]), tf.tensor1d(b1), tf.tensor2d(w2, [H, 1])).dataSync()[0];
  const h = 1e-3;
  (["w1", "b1", "w2"] as const).forEach((name, k) => {
    const analytic = grads[k].dataSync();
    init[name].forEach((_, j) => {
      const shifted = (delta: number) => {
        const copy = { w1: [...init.w1], b1: [...init.b1], w2: [...init.w2] };
        copy[name][j] += delta;
        return value(copy.w1, copy.b1, copy.w2);
      };
      const numeric = (shifted(h) - shifted(-h)) / (2 * h);
      assert.ok(Math.abs(analytic[j] - numeric) < 2e-3, `${name}[${j}]: ${analytic[j]} vs ${numeric}`);
    });
  });
});
