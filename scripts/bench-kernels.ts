/**
 * Where a training step's time goes on the host kernels as training runs them (heads.ts, sparse-mlp.ts,
 * dense-linear.ts, arena.ts): one member's batch of 64 pairs, its loss and gradient, then its fused
 * Adam pass over every weight (kernels.wat), for the bench's shapes (the dense mlp's two matrix
 * products on the wasm backend, see dense-mlp.ts).
 */
import type { FeaturePool } from "../src/features/pool.js";
import { rowPoolOf } from "../src/features/pool.js";
import { arenaBytes, createArena } from "../src/reward-model/arena.js";
import {
  denseLinearBuffers,
  denseLinearBytes,
  denseLinearLossAndGradient,
} from "../src/reward-model/dense-linear.js";
import { denseMlpBuffers, denseMlpLossAndGradient } from "../src/reward-model/dense-mlp.js";
import { createScratch, type Head, lossAndGradient, type Weights } from "../src/reward-model/heads.js";
import {
  longestRow,
  sparseMlpBuffers,
  sparseMlpBytes,
  sparseMlpLossAndGradient,
} from "../src/reward-model/sparse-mlp.js";
import { createRng } from "../src/runtime/random.js";

/** Median milliseconds of `fn` over `runs` calls after two warm-ups. */
function time(fn: () => void, runs = 15): number {
  const once = () => {
    const started = performance.now();
    fn();
    return performance.now() - started;
  };
  once();
  once();
  const times = Array.from({ length: runs }, once).sort((a, b) => a - b);
  return times[runs >> 1];
}

const PAIRS = 64;

function step(head: Head, pool: FeaturePool, hidden: number): [number, number] {
  const rng = createRng(2);
  const D = pool.dimension;
  const random = (n: number) => Float32Array.from({ length: n }, () => rng.normal() * 0.01);
  const weights: Weights =
    head === "linear"
      ? { w: random(D) }
      : { w1: random(D * hidden), b1: new Float32Array(hidden), w2: random(hidden) };
  const longest = head === "mlp" && pool.kind === "sparse" ? longestRow(pool) : 0;
  const arena = createArena(
    4 * Object.values(weights).reduce((n, a) => n + arenaBytes(a.length, 4), 0) +
      sparseMlpBytes(longest, hidden) +
      denseLinearBytes(D),
  );
  const zeros = () =>
    Object.fromEntries(Object.entries(weights).map(([n, a]) => [n, arena.float32(a.length)]));
  for (const [name, a] of Object.entries(zeros())) {
    a.set(weights[name]);
    weights[name] = a;
  }
  const grads = zeros();
  const m = zeros();
  const v = zeros();
  const order = Int32Array.from({ length: PAIRS }, (_, p) => p);
  const scratch = createScratch(hidden);
  const buffers = denseMlpBuffers(PAIRS, D, hidden);
  const sparseBuffers = sparseMlpBuffers(arena, longest, hidden);
  const denseRows = denseLinearBuffers(arena, D);
  const gradient = time(() => {
    for (const g of Object.values(grads)) g.fill(0);
    if (head === "mlp" && pool.kind === "dense") {
      denseMlpLossAndGradient(weights, grads, pool, order, 0, PAIRS, buffers);
    } else if (head === "linear" && pool.kind === "dense") {
      denseLinearLossAndGradient(arena, weights, grads, pool, order, 0, PAIRS, denseRows);
    } else if (head === "mlp" && pool.kind === "sparse") {
      sparseMlpLossAndGradient(arena, weights, grads, pool, order, 0, PAIRS, sparseBuffers);
    } else lossAndGradient(head, weights, grads, pool, order, 0, PAIRS, scratch);
  });
  const adam = time(() => {
    for (const name of Object.keys(weights))
      arena.adam(weights[name], m[name], v[name], grads[name], 1e-4, 3, 0.01);
  });
  return [gradient, adam];
}

/** Kernel timings: per member and step, gradient and Adam, in ms. */
export function kernelTimings(): [string, number, number][] {
  const rng = createRng(1);
  const sparse = (D: number) =>
    rowPoolOf(
      Array.from({ length: 2 * PAIRS }, () => {
        const indices = [...new Set(Array.from({ length: 66 }, () => rng.int(D)))].sort((a, b) => a - b);
        return { indices: Int32Array.from(indices), values: Float32Array.from(indices, () => rng.normal()) };
      }),
      D,
    );
  const dense = (D: number): FeaturePool => ({
    kind: "dense",
    dimension: D,
    rows: 2 * PAIRS,
    data: Float32Array.from({ length: 2 * PAIRS * D }, () => rng.normal()),
  });
  const shapes: [string, Head, FeaturePool, number][] = [
    ["sparse linear, D = 16384, 66 non-zeros a row", "linear", sparse(16384), 0],
    ["sparse mlp H = 32, D = 16384", "mlp", sparse(16384), 32],
    ["dense linear, D = 768", "linear", dense(768), 0],
    ["dense linear, D = 4096", "linear", dense(4096), 0],
    ["dense mlp H = 64, D = 768", "mlp", dense(768), 64],
    ["dense mlp H = 64, D = 4096", "mlp", dense(4096), 64],
  ];
  return shapes.map(([name, head, pool, hidden]) => [name, ...step(head, pool, hidden)]);
}
