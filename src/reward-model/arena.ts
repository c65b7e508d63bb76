import { ADAM } from "../runtime/adam.js";
import { KERNELS_WASM } from "./kernels-wasm.js";

/**
 * Memory for a training group's arrays (weights, Adam's moments, gradients, work buffers), where the
 * hot loops run as WebAssembly SIMD (kernels.wat). Why: the fused Adam step passes over every weight
 * of every member at every step (the L2 term touches them all), and in scalar JS it was 45% of the mlp
 * head's time, its forward and backward passes 34%, and a dense linear head's dot products and row
 * updates nearly all of its time (README's "Speed and scale"); two float64 lanes
 * at a time, on the same operations in the same order, they give the same bits in about half the
 * time. The arrays are plain typed-array views, so JS reads and writes them as any other.
 */
export interface Arena {
  float32(length: number): Float32Array;
  float64(length: number): Float64Array;
  int32(length: number): Int32Array;
  /**
   * One Adam step t (from 1) on a parameter, in place, for the gradient `grad` + 2λθ (the L2 penalty
   * λ·Σθ²'s gradient, folded in so it needs no pass of its own; λ = 0 for biases):
   * m ← β1·m + (1−β1)·g,  v ← β2·v + ((1−β2)·g)·g,  θ ← θ − lr·m̂ / (√v̂ + ε), m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ),
   * in float64 with float32 storage, the bias corrections folded into two scalars. It zeroes `grad`
   * (consumed), ready for the next step's sum.
   */
  adam(
    param: Float32Array,
    m: Float32Array,
    v: Float32Array,
    grad: Float32Array,
    lambda: number,
    step: number,
    learningRate: number,
  ): void;
  /** out = b1 + Σ_k values[k]·W1[indices[k], ·] over the first `count` entries, k in order (W1 [D, H]). */
  affine(
    indices: Int32Array,
    values: Float32Array,
    count: number,
    w1: Float32Array,
    b1: Float32Array,
    out: Float64Array,
  ): void;
  /** G1[indices[k], ·] += values[k]·d over the first `count` entries, k in order (G1 [D, H], d [H]). */
  addOuter(indices: Int32Array, values: Float32Array, count: number, d: Float64Array, g1: Float32Array): void;
  /** x·w in four partial sums, (s0 + s1) + (s2 + s3), as heads.ts's dot on a dense row. */
  dot(x: Float32Array, w: Float32Array): number;
  /** g += scale·x. */
  addScaled(x: Float32Array, scale: number, g: Float32Array): void;
}

interface Kernels {
  adam(
    param: number,
    m: number,
    v: number,
    grad: number,
    length: number,
    decay: number,
    stepSize: number,
    eps: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
  ): void;
  affine(
    indices: number,
    values: number,
    count: number,
    w1: number,
    b1: number,
    out: number,
    hidden: number,
  ): void;
  addOuter(indices: number, values: number, count: number, d: number, g1: number, hidden: number): void;
  dot(x: number, w: number, length: number): number;
  addScaled(x: number, scale: number, g: number, length: number): void;
}

let compiled: WebAssembly.Module | undefined;

/** Bytes an array of `length` elements of `size` bytes takes in an arena: a multiple of 16 (four float32 slots). */
export function arenaBytes(length: number, size: 4 | 8): number {
  return Math.ceil((length * size) / 16) * 16;
}

/** An arena of `bytes` (the sum of arenaBytes of its arrays), zeroed. */
export function createArena(bytes: number): Arena {
  compiled ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM, "base64"));
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const kernels = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as Kernels;
  let used = 0;
  const take = (length: number, size: 4 | 8) => {
    const at = used;
    used += arenaBytes(length, size);
    if (used > bytes) throw new Error("arena: full");
    return at;
  };
  const at = (a: Float32Array | Float64Array | Int32Array) => {
    if (a.buffer !== memory.buffer) throw new Error("arena: an array outside the arena");
    return a.byteOffset;
  };
  const { beta1, beta2, epsilon } = ADAM;
  return {
    float32: (length) => new Float32Array(memory.buffer, take(length, 4), length),
    float64: (length) => new Float64Array(memory.buffer, take(length, 8), length),
    int32: (length) => new Int32Array(memory.buffer, take(length, 4), length),
    adam(param, m, v, grad, lambda, step, learningRate) {
      const n = param.length;
      if (m.length !== n || v.length !== n || grad.length !== n) throw new Error("adam: lengths differ");
      const correction2 = Math.sqrt(1 - beta2 ** step);
      const stepSize = (learningRate * correction2) / (1 - beta1 ** step);
      kernels.adam(
        at(param),
        at(m),
        at(v),
        at(grad),
        n,
        2 * lambda,
        stepSize,
        epsilon * correction2,
        beta1,
        1 - beta1,
        beta2,
        1 - beta2,
      );
    },
    affine(indices, values, count, w1, b1, out) {
      const hidden = out.length;
      if (b1.length !== hidden || w1.length % hidden !== 0) throw new Error("affine: shapes differ");
      kernels.affine(at(indices), at(values), count, at(w1), at(b1), at(out), hidden);
    },
    addOuter(indices, values, count, d, g1) {
      if (g1.length % d.length !== 0) throw new Error("addOuter: shapes differ");
      kernels.addOuter(at(indices), at(values), count, at(d), at(g1), d.length);
    },
    dot(x, w) {
      if (x.length !== w.length) throw new Error("dot: lengths differ");
      return kernels.dot(at(x), at(w), x.length);
    },
    addScaled(x, scale, g) {
      if (x.length !== g.length) throw new Error("addScaled: lengths differ");
      kernels.addScaled(at(x), scale, at(g), x.length);
    },
  };
}
