import * as tf from "@tensorflow/tfjs-core";
import type { SparseRow } from "../features/hashing.js";
import { createDensifier } from "./batch.js";
import { forward } from "./model.js";
import type { HeadParams } from "./params.js";

const SCORE_BATCH = 256;

/** Rewards r(x) of feature rows under a head, in batches. */
export function scoreRows(params: HeadParams, rows: SparseRow[]): Float32Array {
  const out = new Float32Array(rows.length);
  const densify = createDensifier(SCORE_BATCH, params.inputDim);
  tf.tidy(() => {
    const v = Object.fromEntries(
      Object.entries(params.tensors).map(([n, t]) => [n, tf.tensor(t.data, t.shape)]),
    );
    for (let start = 0; start < rows.length; start += SCORE_BATCH) {
      const batch = rows.slice(start, start + SCORE_BATCH);
      const rewards = tf.tidy(() =>
        forward(params.head, v, tf.tensor2d(densify(batch), [batch.length, params.inputDim])).dataSync(),
      );
      out.set(rewards, start);
    }
  });
  return out;
}

/** Fraction of pairs ranked right: margin > 0 counts 1, a tie (margin = 0) counts ½. */
export function pairAccuracy(margins: ArrayLike<number>): number {
  if (margins.length === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < margins.length; i++) correct += margins[i] > 0 ? 1 : margins[i] === 0 ? 0.5 : 0;
  return correct / margins.length;
}
