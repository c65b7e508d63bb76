import * as tf from "@tensorflow/tfjs-core";
import { createRng, deriveSeed, permutation } from "../runtime/random.js";
import { type GruParams, type GruShape, gruPolicy, initGru } from "./gru.js";
import { packBatch, positionMask, type TokenBatch } from "./ppo.js";
import { END, type World } from "./world.js";

/** Supervised fine-tuning of π0: maximum likelihood of the reference answers (each followed by the end token). */

export interface SftOptions {
  shape: GruShape;
  epochs: number;
  batchSize: number;
  learningRate: number;
}

/** Every reference answer of the given prompts, with its end token: (prompt, tokens) pairs. */
export function referenceExamples(
  world: World,
  prompts: readonly number[],
): { prompt: number; tokens: number[] }[] {
  return prompts.flatMap((x) => world.references[x].map((r) => ({ prompt: x, tokens: [...r, END] })));
}

/** Mean over tokens of −log π(y_t|·) on a batch: [B, T, V] log-probs against the batch's tokens. */
export function tokenNll(logProbs: tf.Tensor3D, batch: TokenBatch): tf.Scalar {
  const vocabulary = logProbs.shape[2];
  const mask = tf.tensor1d(positionMask(batch));
  const oneHot = tf.oneHot(tf.tensor1d(batch.tokens, "int32"), vocabulary);
  const taken = tf.sum(tf.mul(tf.reshape(logProbs, [-1, vocabulary]), oneHot), 1);
  return tf.neg(tf.div(tf.sum(tf.mul(taken, mask)), tf.sum(mask))) as tf.Scalar;
}

/** Trains π0 from the seed; returns its parameters and the mean training loss of each epoch. Needs enableAutograd(). */
export function trainSft(
  world: World,
  prompts: readonly number[],
  options: SftOptions,
  seed: number,
): { params: GruParams; losses: number[] } {
  const promptTokens = world.prompts.map((p) => p.topics);
  const policy = gruPolicy(
    initGru(options.shape, deriveSeed(seed, "sft", "init")),
    promptTokens,
    world.config.maxLength,
    true,
  );
  const examples = referenceExamples(world, prompts);
  const rng = createRng(deriveSeed(seed, "sft", "order"));
  const optimizer = tf.train.adam(options.learningRate);
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = permutation(examples.length, rng);
      let total = 0;
      let batches = 0;
      for (let from = 0; from < order.length; from += options.batchSize) {
        const picked = order.slice(from, from + options.batchSize).map((i) => examples[i]);
        const batch = packBatch(
          picked.map((e) => e.prompt),
          picked.map((e) => e.tokens),
        );
        const cost = optimizer.minimize(
          () => tokenNll(policy.logProbs(batch), batch),
          true,
          policy.variables,
        );
        total += cost?.dataSync()[0] ?? Number.NaN;
        cost?.dispose();
        batches++;
      }
      losses.push(total / batches);
    }
    return { params: policy.params(), losses };
  } finally {
    optimizer.dispose();
    policy.dispose();
  }
}

/** Mean per-token log-likelihood of answers under a policy (end tokens included). */
export function policyLogLikelihood(
  params: GruParams,
  world: World,
  examples: { prompt: number; tokens: number[] }[],
): number {
  const policy = gruPolicy(
    params,
    world.prompts.map((p) => p.topics),
    world.config.maxLength,
    false,
  );
  try {
    let total = 0;
    let tokens = 0;
    for (let from = 0; from < examples.length; from += 256) {
      const some = examples.slice(from, from + 256);
      const batch = packBatch(
        some.map((e) => e.prompt),
        some.map((e) => e.tokens),
      );
      const nll = tf.tidy(() => tokenNll(policy.logProbs(batch), batch));
      const count = some.reduce((n, e) => n + e.tokens.length, 0);
      total -= nll.dataSync()[0] * count;
      tokens += count;
      nll.dispose();
    }
    return total / tokens;
  } finally {
    policy.dispose();
  }
}

/** Mean per-token log-likelihood under a unigram model fitted to `train` (add-one smoothing over the vocabulary). */
export function unigramLogLikelihood(
  vocabulary: number,
  train: { tokens: number[] }[],
  heldOut: { tokens: number[] }[],
): number {
  const counts = new Float64Array(vocabulary).fill(1);
  let total = vocabulary;
  for (const e of train) {
    for (const t of e.tokens) counts[t]++;
    total += e.tokens.length;
  }
  let sum = 0;
  let n = 0;
  for (const e of heldOut) {
    for (const t of e.tokens) sum += Math.log(counts[t] / total);
    n += e.tokens.length;
  }
  return sum / n;
}
