import * as tf from "@tensorflow/tfjs-core";
import { createRng, deriveSeed, permutation, type Rng } from "../runtime/random.js";
import { type AdamState, createAdam } from "./adam.js";

/**
 * PPO for a policy that writes a response token by token, in the style of CleanRL's ppo.py: read it top to
 * bottom. Each iteration samples G responses for each of P prompts, scores them, folds the KL penalty into
 * the reward per token, takes advantages from a leave-one-out group baseline (RLOO), and runs a few epochs
 * of minibatch Adam steps on the clipped surrogate with gradient clipping.
 *
 * The shaped reward of response y, per token t: −β·w(x, y)·log(π(y_t|·)/π0(y_t|·)), plus r̂(x, y) at the end;
 * its undiscounted return-to-go is the advantage before the baseline. With w ≡ 1 this is the standard
 * KL-regularised objective; with w the relative ensemble variance, the stop-gradient policy gradient is that
 * of the variance-aware KL form E_π[r̂] − β·Σ_y w(y)(π log(π/π0) − π + π0), whose optimum over a candidate
 * set is solveVarianceAwareKl's (test/rlhf/ppo.test.ts checks both).
 */

/** The policy's responses as one padded batch: tokens[b·T + t] for t < lengths[b], 0 beyond. */
export interface TokenBatch {
  prompts: number[];
  tokens: Int32Array;
  lengths: number[];
  maxLength: number;
}

export interface Policy {
  variables: tf.Variable[];
  /** Log-softmax over the vocabulary at every response position: [B, maxLength, V]. */
  logProbs(batch: TokenBatch): tf.Tensor3D;
  /** One response (token ids, ending with the end token if there is one) per entry of prompts. */
  sample(prompts: number[], rng: Rng): number[][];
}

/** r̂(x, y) and the penalty weight w(x, y) of each sampled response (w ≡ 1 for the standard penalty). */
export type Scorer = (prompts: number[], responses: number[][]) => { reward: number[]; weight: number[] };

export interface PpoConfig {
  iterations: number;
  promptsPerIteration: number;
  samplesPerPrompt: number;
  epochs: number;
  minibatches: number;
  learningRate: number;
  clip: number;
  maxGradNorm: number;
  beta: number;
  baseline: "rloo" | "none";
}

export interface IterationStats {
  iteration: number;
  /** Mean r̂ of the sampled responses. */
  reward: number;
  /** Mean over responses of Σ_t KL(π(·|prefix)‖π0(·|prefix)), exact per token from the two softmaxes. */
  kl: number;
  /** Mean shaped return r̂ − β·w·Σ_t log(π/π0). */
  shaped: number;
}

/**
 * Everything the loop's future depends on after `iteration` iterations: restoring it continues the run
 * with the bytes of an uninterrupted one. Weights and moments are in the order of policy.variables.
 */
export interface PpoState {
  iteration: number;
  weights: Float32Array[];
  adam: AdamState;
  /** The generator's state, and the prompt cycle's current order and position in it. */
  rng: number;
  order: number[];
  cursor: number;
}

export function packBatch(prompts: number[], responses: number[][]): TokenBatch {
  const maxLength = Math.max(1, ...responses.map((r) => r.length));
  const tokens = new Int32Array(responses.length * maxLength);
  for (const [b, r] of responses.entries()) tokens.set(r, b * maxLength);
  return { prompts, tokens, lengths: responses.map((r) => r.length), maxLength };
}

/** 1 where a position holds a token, 0 in the padding: [B, T]. */
export function positionMask(batch: TokenBatch): Float32Array {
  const mask = new Float32Array(batch.lengths.length * batch.maxLength);
  for (const [b, n] of batch.lengths.entries()) mask.fill(1, b * batch.maxLength, b * batch.maxLength + n);
  return mask;
}

/** log π(y_t|·) of the tokens taken, from log-softmaxes [B, T, V]: [B, T]. */
function takenLogProbs(logProbs: tf.Tensor3D, batch: TokenBatch): tf.Tensor2D {
  const vocabulary = logProbs.shape[2];
  const oneHot = tf.oneHot(tf.tensor1d(batch.tokens, "int32"), vocabulary);
  const taken = tf.sum(tf.mul(tf.reshape(logProbs, [-1, vocabulary]), oneHot), 1);
  return tf.reshape(taken, [batch.lengths.length, batch.maxLength]);
}

/** Per response: Σ_t log(π/π0)(y_t) per token [B, T] (host), and Σ_t KL(π‖π0) at each prefix, exact. */
export function measureKl(
  policy: Policy,
  reference: Policy,
  batch: TokenBatch,
): { oldLogProbs: Float32Array; logRatios: Float32Array; kl: Float64Array } {
  const mask = positionMask(batch);
  const [old, ratio, perToken] = tf.tidy(() => {
    const logPi = policy.logProbs(batch);
    const logRef = reference.logProbs(batch);
    const taken = takenLogProbs(logPi, batch);
    const exactKl = tf.sum(tf.mul(tf.exp(logPi), tf.sub(logPi, logRef)), 2);
    return [taken, tf.sub(taken, takenLogProbs(logRef, batch)), exactKl];
  });
  const oldLogProbs = old.dataSync() as Float32Array;
  const logRatios = ratio.dataSync() as Float32Array;
  const klPerToken = perToken.dataSync();
  tf.dispose([old, ratio, perToken]);
  const kl = new Float64Array(batch.lengths.length);
  for (let i = 0; i < mask.length; i++) kl[Math.floor(i / batch.maxLength)] += mask[i] * klPerToken[i];
  return { oldLogProbs, logRatios, kl };
}

/**
 * Advantages per token: return-to-go of the shaped reward, r̂_b − β·w_b·Σ_{s≥t} log(π/π0)(y_s), minus the mean
 * shaped return of the other G − 1 responses to the same prompt (RLOO; responses of one prompt are adjacent).
 */
export function advantages(
  batch: TokenBatch,
  reward: readonly number[],
  weight: readonly number[],
  logRatios: Float32Array,
  config: Pick<PpoConfig, "beta" | "samplesPerPrompt" | "baseline">,
): { advantage: Float32Array; shaped: number[] } {
  const { maxLength } = batch;
  const count = batch.lengths.length;
  const advantage = new Float32Array(count * maxLength);
  const shaped = new Array<number>(count);
  for (let b = 0; b < count; b++) {
    let toGo = reward[b];
    for (let t = batch.lengths[b] - 1; t >= 0; t--) {
      toGo -= config.beta * weight[b] * logRatios[b * maxLength + t];
      advantage[b * maxLength + t] = toGo;
    }
    shaped[b] = batch.lengths[b] > 0 ? advantage[b * maxLength] : reward[b];
  }
  if (config.baseline === "rloo") {
    const g = config.samplesPerPrompt;
    for (let from = 0; from < count; from += g) {
      let total = 0;
      for (let b = from; b < from + g; b++) total += shaped[b];
      for (let b = from; b < from + g; b++) {
        const others = (total - shaped[b]) / (g - 1);
        for (let t = 0; t < batch.lengths[b]; t++) advantage[b * maxLength + t] -= others;
      }
    }
  }
  return { advantage, shaped };
}

function subBatch(batch: TokenBatch, rows: number[]): TokenBatch {
  const T = batch.maxLength;
  const tokens = new Int32Array(rows.length * T);
  for (const [i, b] of rows.entries()) tokens.set(batch.tokens.subarray(b * T, (b + 1) * T), i * T);
  return {
    prompts: rows.map((b) => batch.prompts[b]),
    tokens,
    lengths: rows.map((b) => batch.lengths[b]),
    maxLength: T,
  };
}

function rowsOf(values: Float32Array, rows: number[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (const [i, b] of rows.entries()) out.set(values.subarray(b * width, (b + 1) * width), i * width);
  return out;
}

/** Scales gradients so that their global L2 norm is at most maxNorm (as torch.nn.utils.clip_grad_norm_). */
function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    const norm = Math.sqrt(tf.addN(squares).dataSync()[0]);
    const scale = Math.min(1, maxNorm / (norm + 1e-6));
    return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)]));
  });
}

/**
 * Trains `policy` in place against `score`, regularised towards `reference`. Prompts are drawn in a fixed
 * shuffled cycle over `prompts`; onIteration runs after every iteration (for checkpoints and curves), with
 * the loop's state there (downloaded only when asked for). From `start`, the loop continues where that
 * state was taken. Needs enableAutograd() first.
 */
export function trainPpo(
  policy: Policy,
  reference: Policy,
  prompts: readonly number[],
  score: Scorer,
  config: PpoConfig,
  seed: number,
  onIteration: (stats: IterationStats, state: () => PpoState) => void = () => {},
  start?: PpoState,
): void {
  const rng = createRng(start?.rng ?? deriveSeed(seed, "ppo"));
  if (start !== undefined) {
    policy.variables.forEach((v, i) => {
      v.assign(tf.tensor(start.weights[i], v.shape));
    });
  }
  const optimizer = createAdam(policy.variables, config.learningRate, start?.adam);
  let order = start?.order ?? permutation(prompts.length, rng);
  let cursor = start?.cursor ?? 0;
  for (let iteration = (start?.iteration ?? 0) + 1; iteration <= config.iterations; iteration++) {
    // 1. Rollouts: G responses for each of P prompts, from the current policy.
    const chosen: number[] = [];
    for (let p = 0; p < config.promptsPerIteration; p++) {
      if (cursor === order.length) {
        order = permutation(prompts.length, rng);
        cursor = 0;
      }
      const x = prompts[order[cursor++]];
      for (let g = 0; g < config.samplesPerPrompt; g++) chosen.push(x);
    }
    const responses = policy.sample(chosen, rng);
    const batch = packBatch(chosen, responses);
    const mask = positionMask(batch);

    // 2. Rewards, the per-token KL penalty folded in, and group-baseline advantages.
    const { oldLogProbs, logRatios, kl } = measureKl(policy, reference, batch);
    const { reward, weight } = score(chosen, responses);
    const { advantage, shaped } = advantages(batch, reward, weight, logRatios, config);

    // 3. Epochs of minibatch steps on the clipped surrogate.
    const rows = chosen.length;
    const size = Math.max(1, Math.ceil(rows / config.minibatches));
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const shuffled = permutation(rows, rng);
      for (let from = 0; from < rows; from += size) {
        const picked = shuffled.slice(from, from + size);
        const mb = subBatch(batch, picked);
        const T = batch.maxLength;
        const { grads } = tf.tidy(() => {
          const old = tf.tensor2d(rowsOf(oldLogProbs, picked, T), [picked.length, T]);
          const adv = tf.tensor2d(rowsOf(advantage, picked, T), [picked.length, T]);
          const m = tf.tensor2d(rowsOf(mask, picked, T), [picked.length, T]);
          const loss = () => {
            const logp = takenLogProbs(policy.logProbs(mb), mb);
            const ratio = tf.exp(tf.sub(logp, old));
            const clipped = tf.clipByValue(ratio, 1 - config.clip, 1 + config.clip);
            const surrogate = tf.minimum(tf.mul(ratio, adv), tf.mul(clipped, adv));
            return tf.neg(tf.div(tf.sum(tf.mul(surrogate, m)), tf.sum(m))) as tf.Scalar;
          };
          const result = tf.variableGrads(loss, policy.variables);
          return { grads: clipByGlobalNorm(result.grads, config.maxGradNorm) };
        });
        optimizer.apply(policy.variables.map((v) => grads[v.name]));
        tf.dispose(Object.values(grads));
      }
    }
    const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
    const state = (): PpoState => ({
      iteration,
      weights: policy.variables.map((v) => Float32Array.from(v.dataSync())),
      adam: optimizer.state(),
      rng: rng.state(),
      order: [...order],
      cursor,
    });
    onIteration({ iteration, reward: mean(reward), kl: mean(kl), shaped: mean(shaped) }, state);
  }
  optimizer.dispose();
}
