import assert from "node:assert/strict";
import { test } from "node:test";
import type { DensePool } from "../../src/features/pool.js";
import { arenaBytes, createArena } from "../../src/reward-model/arena.js";
import {
  denseLinearBuffers,
  denseLinearBytes,
  denseLinearLossAndGradient,
} from "../../src/reward-model/dense-linear.js";
import { createScratch, lossAndGradient } from "../../src/reward-model/heads.js";
import { createRng } from "../../src/runtime/random.js";

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

// Dimensions with every remainder mod 4 (the dot product takes four lanes, then a scalar tail).
for (const D of [1, 6, 9, 64, 771]) {
  test(`D = ${D}: the WebAssembly dense linear step gives heads.ts's loss and gradient bit for bit`, () => {
    const rng = createRng(D);
    const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => rng.normal() * scale);
    const pool: DensePool = { kind: "dense", dimension: D, rows: 20, data: random(20 * D, 1) };
    const order = Int32Array.from({ length: 10 }, (_, i) => (i * 3) % 10);
    const arena = createArena(2 * arenaBytes(D, 4) + denseLinearBytes(D));
    const w = arena.float32(D);
    w.set(random(D, 0.5));
    const got = arena.float32(D);
    got.set(random(D, 0.01));
    const start = got.slice();
    const want = { w: got.slice() };
    const wantLoss = lossAndGradient("linear", { w: w.slice() }, want, pool, order, 1, 8, createScratch(0));
    const loss = denseLinearLossAndGradient(
      arena,
      { w },
      { w: got },
      pool,
      order,
      1,
      8,
      denseLinearBuffers(arena, D),
    );
    assert.equal(loss, wantLoss);
    assert.deepEqual(bytes(got), bytes(want.w));
    assert.ok(
      got.some((g, i) => g !== start[i]),
      "the step added a gradient",
    );
  });
}
