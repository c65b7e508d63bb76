import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../runtime/random.js";
import { lookup } from "./matmul.js";
import type { Policy, TokenBatch } from "./ppo.js";

/**
 * A softmax policy over each prompt's K candidates, as a one-token "language model": the response is one
 * token, the candidate's index, and the logits are a free parameter per prompt. PPO over it must reach the
 * candidate-set solvers' exact optima (test/rlhf/ppo.test.ts).
 */
export function candidatePolicy(logits: number[][], trainable: boolean, name: string): Policy {
  const k = logits[0].length;
  const table = tf.variable(tf.tensor2d(logits), trainable, name);
  return {
    variables: trainable ? [table] : [],
    logProbs: (batch: TokenBatch) =>
      tf.tidy(() =>
        tf.reshape(tf.logSoftmax(lookup(table, batch.prompts)), [batch.prompts.length, 1, k]),
      ) as tf.Tensor3D,
    sample: (prompts: number[], rng: Rng) => {
      const probs = tf.tidy(() => tf.softmax(lookup(table, prompts)));
      const values = probs.dataSync();
      probs.dispose();
      return prompts.map((_, b) => [sampleIndex(values.subarray(b * k, (b + 1) * k), rng)]);
    },
  };
}

/** The probabilities of the policy's rows: π[prompt][candidate]. */
export function candidateProbabilities(policy: Policy, prompts: number): number[][] {
  const batch: TokenBatch = {
    prompts: Array.from({ length: prompts }, (_, i) => i),
    tokens: new Int32Array(prompts),
    lengths: new Array<number>(prompts).fill(1),
    maxLength: 1,
  };
  const probs = tf.tidy(() => tf.exp(policy.logProbs(batch)));
  const values = probs.dataSync();
  probs.dispose();
  const k = values.length / prompts;
  return Array.from({ length: prompts }, (_, x) => Array.from(values.subarray(x * k, (x + 1) * k)));
}

/** Inverse-CDF draw from probabilities p (the last index absorbs rounding). */
export function sampleIndex(p: ArrayLike<number>, rng: Rng): number {
  const u = rng.next();
  let cumulative = 0;
  for (let i = 0; i < p.length - 1; i++) {
    cumulative += p[i];
    if (u < cumulative) return i;
  }
  return p.length - 1;
}
