import type { FeaturePool } from "../features/pool.js";

/**
 * The reward heads, their Bradley-Terry loss and its gradient, by hand on the host, one member at a
 * time, on sparse (hashed n-gram) or dense (embedding) rows.
 *
 * Why not tfjs: a head is small (a dot product, or one hidden layer), so on tfjs's WebAssembly backend
 * a step was a few dozen kernel launches, each a pass over memory with its own allocation, and exact
 * Adam with L2 over all D·H weights was a dozen more passes; measured (`npm run bench`, and the
 * profile in README's "Speed and scale"), the ops' overhead, not the arithmetic, was the time. Here a
 * step is one pass over the batch's non-zeros and one fused Adam pass over the weights (arena.ts, in
 * WebAssembly SIMD, as are the sparse mlp head's row loops in training: sparse-mlp.ts).
 * Every sum runs in float64 in a fixed order, and a member's numbers depend on its own weights and
 * data alone: the same bytes whatever group, thread or machine trains it.
 *
 * Weights of one member (row-major float32, as saved in weights.bin):
 *   linear: w [D]                       r(x) = x·w
 *   mlp:    w1 [D, H], b1 [H], w2 [H]   r(x) = relu(x·W1 + b1)·w2
 */
export type Head = "linear" | "mlp";
export type Weights = Record<string, Float32Array>;

/** Bradley-Terry loss of a pair with margin m = r(chosen) − r(rejected): softplus(−m) = −log σ(m), stable for any m. */
export function bradleyTerryLoss(margin: number): number {
  return margin > 0 ? Math.log1p(Math.exp(-margin)) : -margin + Math.log1p(Math.exp(margin));
}

/** Its derivative in the margin, −σ(−m). */
export function bradleyTerryGradient(margin: number): number {
  if (margin > 0) {
    const e = Math.exp(-margin);
    return -e / (1 + e);
  }
  return -1 / (1 + Math.exp(margin));
}

/** x_r · w. */
function dot(pool: FeaturePool, r: number, w: Float32Array): number {
  let sum = 0;
  if (pool.kind === "dense") {
    // Four partial sums, so that the adds do not wait on each other (a fixed order all the same).
    const x = pool.data;
    const base = r * pool.dimension;
    const d = pool.dimension;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i + 3 < d; i += 4) {
      sum += x[base + i] * w[i];
      s1 += x[base + i + 1] * w[i + 1];
      s2 += x[base + i + 2] * w[i + 2];
      s3 += x[base + i + 3] * w[i + 3];
    }
    for (; i < d; i++) sum += x[base + i] * w[i];
    return sum + s1 + (s2 + s3);
  }
  const { indices, values } = pool.chunks[pool.chunk[r]];
  const to = pool.start[r] + pool.length[r];
  for (let k = pool.start[r]; k < to; k++) sum += values[k] * w[indices[k]];
  return sum;
}

/** g += scale · x_r. */
function addScaledRow(pool: FeaturePool, r: number, scale: number, g: Float32Array): void {
  if (pool.kind === "dense") {
    const x = pool.data;
    const base = r * pool.dimension;
    for (let i = 0; i < pool.dimension; i++) g[i] += scale * x[base + i];
    return;
  }
  const { indices, values } = pool.chunks[pool.chunk[r]];
  const to = pool.start[r] + pool.length[r];
  for (let k = pool.start[r]; k < to; k++) g[indices[k]] += scale * values[k];
}

/** out = x_r·W1 + b1, W1 [D, H]. Loops written out (no closures): this is the mlp head's hot path. */
function affine(pool: FeaturePool, r: number, w1: Float32Array, b1: Float32Array, out: Float64Array): void {
  const hidden = out.length;
  for (let h = 0; h < hidden; h++) out[h] = b1[h];
  if (pool.kind === "dense") {
    const x = pool.data;
    const base = r * pool.dimension;
    for (let i = 0; i < pool.dimension; i++) {
      const xi = x[base + i];
      if (xi === 0) continue;
      const row = i * hidden;
      for (let h = 0; h < hidden; h++) out[h] += xi * w1[row + h];
    }
    return;
  }
  const { indices, values } = pool.chunks[pool.chunk[r]];
  const to = pool.start[r] + pool.length[r];
  for (let k = pool.start[r]; k < to; k++) {
    const xi = values[k];
    const row = indices[k] * hidden;
    for (let h = 0; h < hidden; h++) out[h] += xi * w1[row + h];
  }
}

/** G1 += x_rᵀ·d, G1 [D, H]: the gradient of x_r·W1 for a gradient d [H] of its output. */
function addOuter(pool: FeaturePool, r: number, d: Float64Array, g1: Float32Array): void {
  const hidden = d.length;
  if (pool.kind === "dense") {
    const x = pool.data;
    const base = r * pool.dimension;
    for (let i = 0; i < pool.dimension; i++) {
      const xi = x[base + i];
      if (xi === 0) continue;
      const row = i * hidden;
      for (let h = 0; h < hidden; h++) g1[row + h] += xi * d[h];
    }
    return;
  }
  const { indices, values } = pool.chunks[pool.chunk[r]];
  const to = pool.start[r] + pool.length[r];
  for (let k = pool.start[r]; k < to; k++) {
    const xi = values[k];
    const row = indices[k] * hidden;
    for (let h = 0; h < hidden; h++) g1[row + h] += xi * d[h];
  }
}

/** Work buffers of the mlp head, made once per caller: a step allocates nothing. */
export interface Scratch {
  pre: Float64Array[];
  dPre: Float64Array;
}

export function createScratch(hidden: number): Scratch {
  return { pre: [new Float64Array(hidden), new Float64Array(hidden)], dPre: new Float64Array(hidden) };
}

/** relu(pre)·w2. */
export function hiddenReward(pre: Float64Array, w2: Float32Array): number {
  let sum = 0;
  for (let h = 0; h < pre.length; h++) if (pre[h] > 0) sum += pre[h] * w2[h];
  return sum;
}

/** The reward of pool row r under one member's weights. */
export function reward(head: Head, weights: Weights, pool: FeaturePool, r: number, scratch: Scratch): number {
  if (head === "linear") return dot(pool, r, weights.w);
  affine(pool, r, weights.w1, weights.b1, scratch.pre[0]);
  return hiddenReward(scratch.pre[0], weights.w2);
}

/**
 * The mlp head's backward pass through w2 and relu for one response whose reward has gradient dr:
 * adds into ∂w2 and ∂b1 and leaves ∂pre in dPre, for ∂W1 += xᵀ·∂pre.
 */
export function backwardHidden(
  pre: Float64Array,
  dr: number,
  w2: Float32Array,
  grads: Weights,
  dPre: Float64Array,
): void {
  const { w2: gw2, b1: gb1 } = grads;
  for (let h = 0; h < pre.length; h++) {
    if (pre[h] > 0) {
      gw2[h] += dr * pre[h];
      dPre[h] = dr * w2[h];
    } else dPre[h] = 0;
    gb1[h] += dPre[h];
  }
}

/** The mlp head's backward pass for one response whose reward has gradient dr. */
function backward(
  pool: FeaturePool,
  r: number,
  pre: Float64Array,
  dr: number,
  w2: Float32Array,
  grads: Weights,
  dPre: Float64Array,
): void {
  backwardHidden(pre, dr, w2, grads, dPre);
  addOuter(pool, r, dPre, grads.w1);
}

/**
 * One member's mean Bradley-Terry loss over the pairs order[from .. from + count) (pair p: pool rows
 * 2p chosen, 2p + 1 rejected), adding its gradient into `grads` (zeroed by the caller; the L2 term
 * is Adam's, see arena.ts). With d = ∂loss/∂margin / count:
 *   linear: ∂w += d·(x_chosen − x_rejected);
 *   mlp, per response with dr = ±d: ∂w2 += dr·relu(pre); ∂pre = dr·w2·[pre > 0]; ∂b1 += ∂pre; ∂W1 += xᵀ·∂pre.
 */
export function lossAndGradient(
  head: Head,
  weights: Weights,
  grads: Weights,
  pool: FeaturePool,
  order: Int32Array,
  from: number,
  count: number,
  scratch: Scratch,
): number {
  let loss = 0;
  for (let p = from; p < from + count; p++) {
    const chosen = 2 * order[p];
    const rejected = chosen + 1;
    if (head === "linear") {
      const margin = dot(pool, chosen, weights.w) - dot(pool, rejected, weights.w);
      loss += bradleyTerryLoss(margin);
      const d = bradleyTerryGradient(margin) / count;
      addScaledRow(pool, chosen, d, grads.w);
      addScaledRow(pool, rejected, -d, grads.w);
      continue;
    }
    const { w1, b1, w2 } = weights;
    const [preChosen, preRejected] = scratch.pre;
    affine(pool, chosen, w1, b1, preChosen);
    affine(pool, rejected, w1, b1, preRejected);
    const margin = hiddenReward(preChosen, w2) - hiddenReward(preRejected, w2);
    loss += bradleyTerryLoss(margin);
    const d = bradleyTerryGradient(margin) / count;
    backward(pool, chosen, preChosen, d, weights.w2, grads, scratch.dPre);
    backward(pool, rejected, preRejected, -d, weights.w2, grads, scratch.dPre);
  }
  return loss / count;
}
