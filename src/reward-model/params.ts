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
  const gaussian = (length: number) => Float32Array.from({ length }, () => rng.normal() * config.initScale);
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
