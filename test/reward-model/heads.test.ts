import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
// tfjs-core registers no gradients; the umbrella package does. Only the reference autograd needs them.
import "@tensorflow/tfjs";
import type { SparseRow } from "../../src/features/hashing.js";
import { type DensePool, type FeaturePool, rowPoolOf } from "../../src/features/pool.js";
import {
  bradleyTerryGradient,
  bradleyTerryLoss,
  createScratch,
  type Head,
  lossAndGradient,
  reward,
  type Weights,
} from "../../src/reward-model/heads.js";
import { initBackend } from "../../src/runtime/backend.js";
import { createRng } from "../../src/runtime/random.js";

await initBackend("cpu");

const D = 7;
const H = 3;
const P = 4;

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

const rows = randomRows(16, 5);
const denseData = new Float32Array(rows.length * D);
rows.forEach((row, r) => {
  row.indices.forEach((j, k) => {
    denseData[r * D + j] = row.values[k];
  });
});
const pools: [string, FeaturePool][] = [
  ["sparse rows", rowPoolOf(rows, D)],
  ["dense rows", { kind: "dense", dimension: D, rows: rows.length, data: denseData } satisfies DensePool],
];
/** The member trains on these pairs (pair p: pool rows 2p, 2p + 1), from position 1 of the order. */
const order = Int32Array.from([6, 5, 1, 7, 4]);
const pairs = [...order.subarray(1)];

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

const denseRows = (side: 0 | 1) =>
  tf.tensor2d(
    pairs.flatMap((p) => Array.from(denseData.subarray((2 * p + side) * D, (2 * p + side + 1) * D))),
    [P, D],
  );

const forwards: Record<Head, (x: tf.Tensor2D, w: tf.Tensor[]) => tf.Tensor> = {
  linear: (x, [w]) => tf.squeeze(tf.matMul(x, w as tf.Tensor2D), [1]),
  mlp: (x, [w1, b1, w2]) =>
    tf.squeeze(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1 as tf.Tensor2D), b1)), w2 as tf.Tensor2D), [1]),
};
const shapes: Record<Head, Record<string, number[]>> = {
  linear: { w: [D, 1] },
  mlp: { w1: [D, H], b1: [H], w2: [H, 1] },
};

for (const [kind, pool] of pools) {
  for (const head of ["linear", "mlp"] as const) {
    test(`${head} head on ${kind}: the hand-written loss and gradient match tfjs autograd`, () => {
      const names = Object.keys(shapes[head]);
      const weights: Weights = Object.fromEntries(
        names.map((n, i) => [
          n,
          gaussian(
            shapes[head][n].reduce((a, b) => a * b),
            10 + i,
          ),
        ]),
      );
      const grads: Weights = Object.fromEntries(names.map((n) => [n, new Float32Array(weights[n].length)]));
      const loss = lossAndGradient(head, weights, grads, pool, order, 1, P, createScratch(H));
      const objective = (...p: tf.Tensor[]) =>
        tf.mean(
          tf.softplus(tf.neg(tf.sub(forwards[head](denseRows(0), p), forwards[head](denseRows(1), p)))),
        ) as tf.Scalar;
      const { value, grads: want } = tf.valueAndGrads(objective)(
        names.map((n) => tf.tensor(weights[n], shapes[head][n])),
      );
      close([loss], [value.dataSync()[0]], "loss");
      names.forEach((n, i) => {
        close(grads[n], want[i].dataSync(), `∂${n}`);
      });
      const scratch = createScratch(H);
      for (let r = 0; r < rows.length; r++) {
        const x = tf.tensor2d(denseData.subarray(r * D, (r + 1) * D), [1, D]);
        const p = names.map((n) => tf.tensor(weights[n], shapes[head][n]));
        close(
          [reward(head, weights, pool, r, scratch)],
          forwards[head](x, p).dataSync(),
          `reward of row ${r}`,
        );
      }
    });
  }
}

test("linear head: the gradient matches finite differences of the loss in float64", () => {
  const pool = pools[0][1];
  const w = Array.from(gaussian(D, 2));
  const score = (row: SparseRow, ws: number[]) =>
    row.indices.reduce((s, j, k) => s + ws[j] * row.values[k], 0);
  const loss = (ws: number[]) =>
    pairs.reduce((s, p) => s + bradleyTerryLoss(score(rows[2 * p], ws) - score(rows[2 * p + 1], ws)), 0) / P;
  const grads = { w: new Float32Array(D) };
  lossAndGradient("linear", { w: Float32Array.from(w) }, grads, pool, order, 1, P, createScratch(0));
  const h = 1e-6;
  w.forEach((_, j) => {
    const shifted = (delta: number) => loss(w.map((v, i) => (i === j ? v + delta : v)));
    const numeric = (shifted(h) - shifted(-h)) / (2 * h);
    assert.ok(Math.abs(grads.w[j] - numeric) < 1e-5, `w[${j}]: ${grads.w[j]} vs ${numeric}`);
  });
});

test("the Bradley-Terry loss is −log σ(margin) and its derivative −σ(−margin), finite for margins of ±1e4", () => {
  const margins = [0, 1, -2, 3.5, 40, -40, 1e4, -1e4];
  for (const m of margins) {
    const sigmoid = 1 / (1 + Math.exp(-m));
    const want = m < -30 ? -m : -Math.log(sigmoid);
    assert.ok(Math.abs(bradleyTerryLoss(m) - want) <= 1e-12 * (1 + want), `loss at ${m}`);
    assert.ok(
      Math.abs(bradleyTerryGradient(m) + (1 - sigmoid)) < 1e-15 + 1e-12 * (1 - sigmoid),
      `gradient at ${m}`,
    );
    const h = 1e-5;
    if (Math.abs(m) < 100) {
      const numeric = (bradleyTerryLoss(m + h) - bradleyTerryLoss(m - h)) / (2 * h);
      assert.ok(Math.abs(bradleyTerryGradient(m) - numeric) < 1e-8, `derivative at ${m}`);
    }
  }
  assert.ok(Number.isFinite(bradleyTerryLoss(-1e4)) && bradleyTerryGradient(-1e4) === -1);
  assert.equal(bradleyTerryGradient(1e4), -0);
});
