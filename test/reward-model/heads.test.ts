import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
// tfjs-core registers no gradients; the umbrella package does. Only the reference autograd needs them.
import "@tensorflow/tfjs";
import type { SparseRow } from "../../src/features/hashing.js";
import { rowPoolOf } from "../../src/features/pool.js";
import { createBatchBuilder } from "../../src/reward-model/batch.js";
import {
  bradleyTerryLosses,
  type GroupTensors,
  linearLossAndGradients,
  mlpLossAndGradients,
  scoreSharedRows,
  uploadBatch,
} from "../../src/reward-model/heads.js";
import { initBackend } from "../../src/runtime/backend.js";
import { createRng } from "../../src/runtime/random.js";

const D = 7;
const H = 3;
const G = 2;
const P = 4;
const lambda = 0.01;

/** Random sparse rows, one of them empty, as the hashing can produce. */
function randomRows(count: number, seed: number): SparseRow[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, r) => {
    const indices = [
      ...new Set(Array.from({ length: r === 3 ? 0 : 1 + rng.int(4) }, () => rng.int(D))),
    ].sort();
    return { indices: Int32Array.from(indices), values: Float32Array.from(indices, () => rng.normal()) };
  });
}

const rows = randomRows(2 * P * G, 5);
const pool = rowPoolOf(rows, D);
/** Member g trains on pairs orders[g] (pair p: pool rows 2p, 2p + 1). */
const orders = [Int32Array.from([0, 1, 2, 3]), Int32Array.from([5, 1, 7, 4])];

const dense = (pairRows: number[], side: 0 | 1) => {
  const x = new Float32Array(pairRows.length * D);
  pairRows.forEach((pair, i) => {
    const row = rows[2 * pair + side];
    row.indices.forEach((j, k) => {
      x[i * D + j] = row.values[k];
    });
  });
  return tf.tensor2d(x, [pairRows.length, D]);
};

const gaussian = (n: number, seed: number) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * 0.5);
};

const close = (got: ArrayLike<number>, want: ArrayLike<number>, what: string, tolerance = 1e-5) => {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) {
    assert.ok(
      Math.abs(got[i] - want[i]) <= tolerance * (1 + Math.abs(want[i])),
      `${what}[${i}]: ${got[i]} vs ${want[i]}`,
    );
  }
};

/** Reference: member g's loss (Bradley-Terry plus L2) with dense matrices, and its gradient by tfjs autograd. */
function referenceMember(
  forward: (x: tf.Tensor2D, p: tf.Tensor[]) => tf.Tensor,
  penalised: boolean[],
  params: tf.Tensor[],
  g: number,
): { loss: number; grads: Float32Array[] } {
  const order = [...orders[g]];
  const xc = dense(order, 0);
  const xr = dense(order, 1);
  const objective = (...p: tf.Tensor[]) => {
    const margins = tf.sub(forward(xc, p), forward(xr, p));
    const penalty = p.filter((_, i) => penalised[i]).map((t) => tf.sum(tf.square(t)));
    return tf.add(tf.mean(bradleyTerryLosses(margins)), tf.mul(lambda, tf.addN(penalty))) as tf.Scalar;
  };
  const { value, grads } = tf.valueAndGrads(objective)(params);
  return { loss: value.dataSync()[0], grads: grads.map((t) => t.dataSync() as Float32Array) };
}

for (const backend of ["cpu", "wasm"] as const) {
  test(`${backend}: linear head: batched hand-written loss and gradients match autograd for each member`, async () => {
    await initBackend(backend);
    const w = gaussian(G * D, 1);
    const batch = uploadBatch(createBatchBuilder().pairStep("linear", pool, orders, 0, P));
    const { losses, grads } = linearLossAndGradients({ w: tf.tensor1d(w) }, batch, G, P, lambda);
    for (let g = 0; g < G; g++) {
      const wg = tf.tensor2d(w.slice(g * D, (g + 1) * D), [D, 1]);
      const ref = referenceMember((x, [v]) => tf.squeeze(tf.matMul(x, v)), [true], [wg], g);
      const penalty = lambda * w.slice(g * D, (g + 1) * D).reduce((sum, v) => sum + v * v, 0);
      close([losses.dataSync()[g] + penalty], [ref.loss], `loss of member ${g}`);
      close(grads.w.dataSync().slice(g * D, (g + 1) * D), ref.grads[0], `∂w of member ${g}`);
    }
  });

  test(`${backend}: linear head: the gradient matches finite differences of the loss in float64`, async () => {
    await initBackend(backend);
    const w = Array.from(gaussian(D, 2));
    const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
    const score = (row: SparseRow, ws: number[]) =>
      row.indices.reduce((s, j, k) => s + ws[j] * row.values[k], 0);
    const loss = (ws: number[]) =>
      [...orders[0]].reduce(
        (s, p) => s + softplus(-(score(rows[2 * p], ws) - score(rows[2 * p + 1], ws))),
        0,
      ) /
        P +
      lambda * ws.reduce((s, v) => s + v * v, 0);
    const batch = uploadBatch(createBatchBuilder().pairStep("linear", pool, [orders[0]], 0, P));
    const analytic = linearLossAndGradients({ w: tf.tensor1d(w) }, batch, 1, P, lambda).grads.w.dataSync();
    const h = 1e-6;
    w.forEach((_, j) => {
      const shifted = (delta: number) => loss(w.map((v, i) => (i === j ? v + delta : v)));
      const numeric = (shifted(h) - shifted(-h)) / (2 * h);
      assert.ok(Math.abs(analytic[j] - numeric) < 1e-5, `w[${j}]: ${analytic[j]} vs ${numeric}`);
    });
  });

  test(`${backend}: mlp head: batched hand-written loss and gradients match autograd for each member`, async () => {
    await initBackend(backend);
    const params = { w1: gaussian(G * D * H, 3), b1: gaussian(G * H, 4), w2: gaussian(G * H, 6) };
    const group: GroupTensors = {
      w1: tf.tensor2d(params.w1, [G * D, H]),
      b1: tf.tensor2d(params.b1, [G, H]),
      w2: tf.tensor2d(params.w2, [G, H]),
    };
    const batch = uploadBatch(createBatchBuilder().pairStep("mlp", pool, orders, 0, P));
    const { losses, grads } = mlpLossAndGradients(group, batch, G, P, lambda);
    for (let g = 0; g < G; g++) {
      const member = [
        tf.tensor2d(params.w1.slice(g * D * H, (g + 1) * D * H), [D, H]),
        tf.tensor1d(params.b1.slice(g * H, (g + 1) * H)),
        tf.tensor2d(params.w2.slice(g * H, (g + 1) * H), [H, 1]),
      ];
      const forward = (x: tf.Tensor2D, [w1, b1, w2]: tf.Tensor[]) =>
        tf.squeeze(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1 as tf.Tensor2D), b1)), w2 as tf.Tensor2D));
      const ref = referenceMember(forward, [true, false, true], member, g);
      const squares = (a: Float32Array) => a.reduce((sum, v) => sum + v * v, 0);
      const penalty =
        lambda *
        (squares(params.w1.slice(g * D * H, (g + 1) * D * H)) + squares(params.w2.slice(g * H, (g + 1) * H)));
      close([losses.dataSync()[g] + penalty], [ref.loss], `loss of member ${g}`);
      close(grads.w1.dataSync().slice(g * D * H, (g + 1) * D * H), ref.grads[0], `∂w1 of member ${g}`);
      close(grads.b1.dataSync().slice(g * H, (g + 1) * H), ref.grads[1], `∂b1 of member ${g}`);
      close(grads.w2.dataSync().slice(g * H, (g + 1) * H), ref.grads[2], `∂w2 of member ${g}`);
    }
  });

  test(`${backend}: scoring shared rows gives each member's dense rewards, empty rows included`, async () => {
    await initBackend(backend);
    const rowIds = Int32Array.from({ length: rows.length }, (_, i) => i);
    const batch = uploadBatch(createBatchBuilder().sharedRows(pool, rowIds, 0, rows.length));
    const x = tf.tensor2d(
      rows.flatMap((row) => Array.from({ length: D }, (_, j) => row.values[row.indices.indexOf(j)] ?? 0)),
      [rows.length, D],
    );
    const w = gaussian(G * D, 7);
    const linear = scoreSharedRows("linear", { w: tf.tensor1d(w) }, batch, G).arraySync();
    const p = { w1: gaussian(G * D * H, 8), b1: gaussian(G * H, 9), w2: gaussian(G * H, 10) };
    const mlp = scoreSharedRows(
      "mlp",
      { w1: tf.tensor2d(p.w1, [G * D, H]), b1: tf.tensor2d(p.b1, [G, H]), w2: tf.tensor2d(p.w2, [G, H]) },
      batch,
      G,
    ).arraySync();
    for (let g = 0; g < G; g++) {
      const wantLinear = tf.matMul(x, tf.tensor2d(w.slice(g * D, (g + 1) * D), [D, 1])).dataSync();
      close(
        linear.map((r) => r[g]),
        wantLinear,
        `linear member ${g}`,
      );
      const hidden = tf.relu(
        tf.add(
          tf.matMul(x, tf.tensor2d(p.w1.slice(g * D * H, (g + 1) * D * H), [D, H])),
          p.b1.slice(g * H, (g + 1) * H),
        ),
      );
      const wantMlp = tf.matMul(hidden, tf.tensor2d(p.w2.slice(g * H, (g + 1) * H), [H, 1])).dataSync();
      close(
        mlp.map((r) => r[g]),
        wantMlp,
        `mlp member ${g}`,
      );
    }
  });

  test(`${backend}: the Bradley-Terry loss is −log σ(margin), finite and exact for margins of ±1e4`, async () => {
    await initBackend(backend);
    const margins = [0, 1, -2, 3.5, 1e4, -1e4];
    const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
    close(
      bradleyTerryLosses(tf.tensor1d(margins)).dataSync(),
      margins.map((m) => softplus(-m)),
      "loss",
    );
    const w = tf.tensor1d([1e4, -1e4]);
    const batch = uploadBatch({
      index: Int32Array.from([0, 1]),
      value: Float32Array.from([1, 1]),
      segment: Int32Array.from([0, 1]),
      rows: 2,
    });
    const { grads } = linearLossAndGradients({ w }, batch, 1, 2, 0);
    assert.ok(grads.w.dataSync().every(Number.isFinite));
    close(grads.w.dataSync(), [0, -0.5], "gradient at ±1e4");
  });
}
