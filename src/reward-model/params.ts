import type { RewardModelConfig } from "../config/schema.js";
import { createRng } from "../runtime/random.js";

/** A reward head's weights as plain arrays: backend-independent, saved and loaded as is. */
export interface HeadParams {
  head: "linear" | "mlp";
  inputDim: number;
  hiddenUnits: number;
  /** Named row-major float32 tensors: linear {w: [D,1]}; mlp {w1: [D,H], b1: [H], w2: [H,1]}. */
  tensors: Record<string, { shape: number[]; data: Float32Array }>;
}

/** Gaussian initial weights N(0, initScale²) from the member's init seed; biases start at zero. */
export function initParams(config: RewardModelConfig, inputDim: number, seed: number): HeadParams {
  const rng = createRng(seed);
  const gaussian = (length: number) => {
    const values = new Float32Array(length);
    for (let i = 0; i < length; i++) values[i] = rng.normal() * config.initScale;
    return values;
  };
  const h = config.hiddenUnits;
  const tensors: HeadParams["tensors"] =
    config.head === "linear"
      ? { w: { shape: [inputDim, 1], data: gaussian(inputDim) } }
      : {
          w1: { shape: [inputDim, h], data: gaussian(inputDim * h) },
          b1: { shape: [h], data: new Float32Array(h) },
          w2: { shape: [h, 1], data: gaussian(h) },
        };
  return { head: config.head, inputDim, hiddenUnits: config.head === "mlp" ? h : 0, tensors };
}

export function paramArrays(params: HeadParams): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(params.tensors).map(([name, t]) => [name, t.data]));
}

/** HeadParams with the given arrays in the template's shapes. */
export function withArrays(template: HeadParams, arrays: Record<string, Float32Array>): HeadParams {
  const tensors = Object.fromEntries(
    Object.entries(template.tensors).map(([name, t]) => [name, { shape: t.shape, data: arrays[name] }]),
  );
  return { ...template, tensors };
}

/** Whether the L2 penalty covers a tensor: the weight matrices (w, w1, w2), not the biases. */
export function penalised(name: string): boolean {
  return name.startsWith("w");
}

/** L2 penalty λ·Σ w² over the penalised tensors, in float64. */
export function l2Penalty(params: HeadParams, lambda: number): number {
  let sum = 0;
  for (const [name, t] of Object.entries(params.tensors)) {
    if (!penalised(name)) continue;
    for (let i = 0; i < t.data.length; i++) sum += t.data[i] * t.data[i];
  }
  return lambda * sum;
}
