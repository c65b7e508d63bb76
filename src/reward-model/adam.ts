import { ADAM_WASM } from "./adam-wasm.js";

/** Adam's constants: tfjs's defaults (tf.train.adam), as the PyTorch reference of the bench uses too. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/**
 * Memory for a training group's arrays (weights, Adam's moments, gradients), where the fused Adam
 * step runs as WebAssembly SIMD (adam.wat). Why not a JS loop: the step passes over every weight of
 * every member at every step (the L2 term touches them all), and in scalar JS it was 45% of the mlp
 * head's time (README's "Speed and scale"); two float64 lanes at a time, on the same operations in the
 * same order, it gives the same bits in about half the time. The arrays are plain Float32Array views,
 * so the heads read and write them as any other.
 */
export interface AdamArena {
  /** A zeroed float32 array of the arena. */
  array(length: number): Float32Array;
  /**
   * One Adam step t (from 1) on a parameter of the arena, in place, for the gradient `grad` + 2λθ
   * (the L2 penalty λ·Σθ²'s gradient, folded in so it needs no pass of its own; λ = 0 for biases):
   * m ← β1·m + (1−β1)·g,  v ← β2·v + ((1−β2)·g)·g,  θ ← θ − lr·m̂ / (√v̂ + ε), m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ),
   * in float64 with float32 storage, the bias corrections folded into two scalars. It zeroes `grad`
   * (consumed), ready for the next step's sum.
   */
  step(
    param: Float32Array,
    m: Float32Array,
    v: Float32Array,
    grad: Float32Array,
    lambda: number,
    step: number,
    learningRate: number,
  ): void;
}

type AdamKernel = (
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
) => void;

let compiled: WebAssembly.Module | undefined;

/** Float32 slots an array takes in an arena: an even count (the kernel's two lanes), 16-byte aligned. */
const slots = (length: number) => Math.ceil(length / 4) * 4;

/** An arena with room for arrays of these lengths. */
export function adamArena(lengths: number[]): AdamArena {
  compiled ??= new WebAssembly.Module(Buffer.from(ADAM_WASM, "base64"));
  const bytes = 4 * lengths.reduce((sum, n) => sum + slots(n), 0);
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const kernel = new WebAssembly.Instance(compiled, { env: { memory } }).exports.adam as AdamKernel;
  let used = 0;
  const { beta1, beta2, epsilon } = ADAM;
  const owned = (a: Float32Array) => {
    if (a.buffer !== memory.buffer) throw new Error("adam: an array outside the arena");
    return a.byteOffset;
  };
  return {
    array(length) {
      if (4 * (used + slots(length)) > bytes) throw new Error("adam: the arena is full");
      const a = new Float32Array(memory.buffer, 4 * used, length);
      used += slots(length);
      return a;
    },
    step(param, m, v, grad, lambda, step, learningRate) {
      const correction2 = Math.sqrt(1 - beta2 ** step);
      const stepSize = (learningRate * correction2) / (1 - beta1 ** step);
      const n = param.length;
      if (m.length !== n || v.length !== n || grad.length !== n) throw new Error("adam: lengths differ");
      kernel(
        owned(param),
        owned(m),
        owned(v),
        owned(grad),
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
  };
}
