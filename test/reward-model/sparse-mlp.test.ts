import assert from "node:assert/strict";
import { test } from "node:test";
import { rowPoolOf } from "../../src/features/pool.js";
import { arenaBytes, createArena } from "../../src/reward-model/arena.js";
import { createScratch, lossAndGradient, type Weights } from "../../src/reward-model/heads.js";
import {
  longestRow,
  sparseMlpBuffers,
  sparseMlpBytes,
  sparseMlpLossAndGradient,
} from "../../src/reward-model/sparse-mlp.js";
import { createRng } from "../../src/runtime/random.js";

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

// Odd and even hidden widths (the kernels take two lanes at a time, then a scalar tail).
for (const H of [1, 5, 32]) {
  test(`H = ${H}: the WebAssembly sparse mlp step gives heads.ts's loss and gradient bit for bit`, () => {
    const D = 40;
    const rng = createRng(H);
    const rows = Array.from({ length: 24 }, (_, r) => {
      const indices = [...new Set(Array.from({ length: r === 5 ? 0 : 1 + rng.int(12) }, () => rng.int(D)))];
      return { indices: Int32Array.from(indices), values: Float32Array.from(indices, () => rng.normal()) };
    });
    const pool = rowPoolOf(rows, D);
    const order = Int32Array.from({ length: 12 }, (_, i) => (i * 5) % 12);
    const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => rng.normal() * scale);
    const weights: Weights = { w1: random(D * H, 0.5), b1: random(H, 0.1), w2: random(H, 0.5) };
    const sizes = { w1: D * H, b1: H, w2: H };
    const longest = longestRow(pool);
    const arena = createArena(
      2 * Object.values(sizes).reduce((n, s) => n + arenaBytes(s, 4), 0) + sparseMlpBytes(longest, H),
    );
    const inArena = (from: Weights): Weights =>
      Object.fromEntries(
        Object.entries(from).map(([name, a]) => {
          const copy = arena.float32(a.length);
          copy.set(a);
          return [name, copy];
        }),
      );
    const arenaWeights = inArena(weights);
    const got = inArena({ w1: random(D * H, 0.01), b1: random(H, 0.01), w2: random(H, 0.01) });
    const want = Object.fromEntries(Object.entries(got).map(([name, a]) => [name, a.slice()]));
    const start = got.w1.slice();
    const buffers = sparseMlpBuffers(arena, longest, H);
    const wantLoss = lossAndGradient("mlp", weights, want, pool, order, 2, 9, createScratch(H));
    const loss = sparseMlpLossAndGradient(arena, arenaWeights, got, pool, order, 2, 9, buffers);
    assert.equal(loss, wantLoss);
    for (const name of ["w1", "b1", "w2"]) assert.deepEqual(bytes(got[name]), bytes(want[name]), `∂${name}`);
    assert.ok(
      got.w1.some((g, i) => g !== start[i]),
      "the step added a gradient into w1",
    );
  });
}
