import assert from "node:assert/strict";
import { test } from "node:test";
import type { DensePool } from "../../src/features/pool.js";
import { denseMlpBuffers, denseMlpLossAndGradient } from "../../src/reward-model/dense-mlp.js";
import { createScratch, lossAndGradient, type Weights } from "../../src/reward-model/heads.js";
import { initBackend } from "../../src/runtime/backend.js";
import { createRng } from "../../src/runtime/random.js";

const D = 9;
const H = 5;
const rng = createRng(3);
const random = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
const pool: DensePool = { kind: "dense", dimension: D, rows: 20, data: random(20 * D) };
const order = Int32Array.from([3, 9, 0, 4, 7, 1]);
const weights: Weights = { w1: random(D * H), b1: random(H), w2: random(H) };
const zeros = () => ({ w1: new Float32Array(D * H), b1: new Float32Array(H), w2: new Float32Array(H) });

for (const backend of ["cpu", "wasm"] as const) {
  test(`${backend}: the dense mlp step through matMul matches the host kernel in loss and gradient`, async () => {
    await initBackend(backend);
    const want = zeros();
    const wantLoss = lossAndGradient("mlp", weights, want, pool, order, 1, 4, createScratch(H));
    const got = zeros();
    const loss = denseMlpLossAndGradient(weights, got, pool, order, 1, 4, denseMlpBuffers(4, D, H));
    assert.ok(Math.abs(loss - wantLoss) < 1e-5, `loss ${loss} vs ${wantLoss}`);
    for (const name of ["w1", "b1", "w2"] as const) {
      got[name].forEach((v, i) => {
        assert.ok(Math.abs(v - want[name][i]) < 1e-5 * (1 + Math.abs(want[name][i])), `∂${name}[${i}]`);
      });
    }
  });
}
