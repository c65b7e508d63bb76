import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "../runtime/errors.js";
import { writeFileAtomic, writeJsonAtomic } from "../runtime/files.js";
import { type BlobEntry, packFloat32LE, unpackFloat32LE } from "../runtime/float32-blob.js";
import { createRng, type Rng } from "../runtime/random.js";
import { sampleIndex } from "./candidate-policy.js";
import { lookup, matMul } from "./matmul.js";
import type { Policy, TokenBatch } from "./ppo.js";
import { END } from "./world.js";

/**
 * The generative policy: a one-layer GRU language model over the world's tokens, conditioned on the prompt by
 * reading it first. Input sequence: the prompt's tokens, the end token as separator, then the response; the
 * state after each input predicts the next response token.
 *
 * Why a GRU and not a transformer: sampling carries a state forward one token at a time (no attention over
 * the prefix to recompute or cache), and every product is a 2-D matMul, which the WebAssembly backend runs
 * through XNNPACK when its operands are not transposed (matmul.ts builds the transposes of the gradient).
 * Responses are short (≤ 12 words) bags of words, so attention's long-range strengths buy nothing here.
 *
 * GRU step (PyTorch's form): z = σ(x·Wz + h·Uz + bz), r = σ(x·Wr + h·Ur + br),
 * n = tanh(x·Wn + bn + r∘(h·Un)), h' = (1 − z)∘n + z∘h.  Output: log-softmax(h'·Wo + bo).
 */

export interface GruShape {
  vocabulary: number;
  embedding: number;
  hidden: number;
}

/** Host copy of the parameters: name → shape and row-major float32 values. */
export type GruParams = { shape: GruShape; tensors: Record<string, { shape: number[]; data: Float32Array }> };

const TENSOR_NAMES = ["embedding", "wx", "wh", "bx", "bh", "wo", "bo"] as const;

/** Parameter count of a shape (for reports). */
export function gruParameterCount(s: GruShape): number {
  const h3 = 3 * s.hidden;
  return (
    s.vocabulary * s.embedding +
    s.embedding * h3 +
    s.hidden * h3 +
    2 * h3 +
    s.hidden * s.vocabulary +
    s.vocabulary
  );
}

/** Initial parameters from the seed: Gaussian, std 1/√fan-in; biases 0. */
export function initGru(shape: GruShape, seed: number): GruParams {
  const rng = createRng(seed);
  const gaussian = (rows: number, cols: number, std: number) => {
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
    return { shape: [rows, cols], data };
  };
  const { vocabulary: v, embedding: e, hidden: h } = shape;
  return {
    shape,
    tensors: {
      embedding: gaussian(v, e, 1),
      wx: gaussian(e, 3 * h, 1 / Math.sqrt(e)),
      wh: gaussian(h, 3 * h, 1 / Math.sqrt(h)),
      bx: { shape: [1, 3 * h], data: new Float32Array(3 * h) },
      bh: { shape: [1, 3 * h], data: new Float32Array(3 * h) },
      wo: gaussian(h, v, 1 / Math.sqrt(h)),
      bo: { shape: [1, v], data: new Float32Array(v) },
    },
  };
}

export interface GruPolicy extends Policy {
  shape: GruShape;
  /** The longest response sampled (words, the end token not counted). */
  maxLength: number;
  params(): GruParams;
  dispose(): void;
}

/**
 * A policy on the backend from host parameters. `promptTokens[x]` are the tokens of prompt x; trainable=false
 * gives the frozen reference π0.
 */
export function gruPolicy(
  params: GruParams,
  promptTokens: readonly (readonly number[])[],
  maxLength: number,
  trainable: boolean,
): GruPolicy {
  const shape = params.shape;
  const h = shape.hidden;
  const vars = Object.fromEntries(
    TENSOR_NAMES.map((name) => {
      const t = params.tensors[name];
      return [name, tf.variable(tf.tensor(t.data, t.shape), trainable)];
    }),
  ) as Record<(typeof TENSOR_NAMES)[number], tf.Variable>;

  /** Input projections x·Wx + bx of one token per row. */
  const project = (ids: number[]) =>
    tf.add(
      matMul(lookup(vars.embedding as tf.Tensor2D, ids), vars.wx as tf.Tensor2D),
      vars.bx,
    ) as tf.Tensor2D;
  const step = (gx: tf.Tensor2D, state: tf.Tensor2D): tf.Tensor2D => {
    const gh = tf.add(matMul(state, vars.wh as tf.Tensor2D), vars.bh);
    const [xz, xr, xn] = tf.split(gx, 3, 1);
    const [hz, hr, hn] = tf.split(gh, 3, 1);
    const z = tf.sigmoid(tf.add(xz, hz));
    const r = tf.sigmoid(tf.add(xr, hr));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, state)) as tf.Tensor2D;
  };
  /**
   * States after each input: the prompts' tokens, the separator, then `following[t]` (one token per row) for
   * each later step; returns the states from the separator on. (Projecting all inputs in one product and
   * slicing per step was slower: each slice's gradient pads back to the full size.)
   */
  const run = (prompts: number[], following: number[][]): tf.Tensor2D[] => {
    const length = promptTokens[prompts[0]].length;
    const inputs: number[][] = [];
    for (let i = 0; i < length; i++) inputs.push(prompts.map((x) => promptTokens[x][i]));
    inputs.push(
      prompts.map(() => END),
      ...following,
    );
    let state = tf.zeros([prompts.length, h]) as tf.Tensor2D;
    const states: tf.Tensor2D[] = [];
    inputs.forEach((tokens, t) => {
      state = step(project(tokens), state);
      if (t >= length) states.push(state);
    });
    return states;
  };
  const output = (states: tf.Tensor2D) =>
    tf.logSoftmax(tf.add(matMul(states, vars.wo as tf.Tensor2D), vars.bo)) as tf.Tensor2D;

  return {
    shape,
    maxLength,
    variables: trainable ? Object.values(vars) : [],
    logProbs: (batch: TokenBatch) =>
      tf.tidy(() => {
        const rows = batch.prompts.length;
        const following = Array.from({ length: batch.maxLength - 1 }, (_, t) =>
          Array.from({ length: rows }, (_, b) => batch.tokens[b * batch.maxLength + t]),
        );
        const states = run(batch.prompts, following);
        // [T, B, h] → [B, T, h] (time-major to batch-major), then one output product for every position.
        const stacked = tf.reshape(tf.transpose(tf.stack(states), [1, 0, 2]), [rows * batch.maxLength, h]);
        return tf.reshape(output(stacked as tf.Tensor2D), [rows, batch.maxLength, shape.vocabulary]);
      }) as tf.Tensor3D,
    sample: (prompts: number[], rng: Rng) => {
      const responses = prompts.map(() => [] as number[]);
      const open = prompts.map(() => true);
      let state = tf.tidy(() => run(prompts, [])[0]);
      for (let t = 0; t < maxLength && open.some(Boolean); t++) {
        const probs = tf.tidy(() => tf.exp(output(state)));
        const values = probs.dataSync();
        probs.dispose();
        const next = prompts.map((_, b) => {
          if (!open[b]) return END;
          const token = sampleIndex(values.subarray(b * shape.vocabulary, (b + 1) * shape.vocabulary), rng);
          responses[b].push(token);
          if (token === END) open[b] = false;
          return token;
        });
        const previous = state;
        state = tf.tidy(() => step(project(next), previous));
        previous.dispose();
      }
      state.dispose();
      return responses;
    },
    params: () => ({
      shape,
      tensors: Object.fromEntries(
        TENSOR_NAMES.map((name) => [
          name,
          { shape: vars[name].shape, data: Float32Array.from(vars[name].dataSync()) },
        ]),
      ),
    }),
    dispose: () => {
      for (const v of Object.values(vars)) v.dispose();
    },
  };
}

/**
 * On-disk format of a policy, like the reward heads' (src/reward-model/weights.ts): `policy.json` names the
 * architecture, its sizes and each tensor (name, shape, byte offset into the blob); `policy.bin` holds the
 * tensors back to back as little-endian float32, row-major. Tensors: embedding [V, E]; wx [E, 3H] and
 * wh [H, 3H] with the gates in the order z, r, n; bx, bh [1, 3H]; wo [H, V]; bo [1, V].
 */
export const POLICY_FORMAT = "align-policy-gru";
export const POLICY_VERSION = 1;

interface PolicyManifest {
  format: string;
  version: number;
  shape: GruShape;
  dtype: "float32";
  byteOrder: "little-endian";
  tensors: BlobEntry[];
  vocabulary: string[];
}

export function savePolicy(dir: string, params: GruParams, vocabulary: string[]): void {
  const { bytes, entries: tensors } = packFloat32LE(TENSOR_NAMES.map((name) => [name, params.tensors[name]]));
  writeFileAtomic(join(dir, "policy.bin"), bytes);
  const manifest: PolicyManifest = {
    format: POLICY_FORMAT,
    version: POLICY_VERSION,
    shape: params.shape,
    dtype: "float32",
    byteOrder: "little-endian",
    tensors,
    vocabulary,
  };
  writeJsonAtomic(join(dir, "policy.json"), manifest);
}

export function loadPolicy(dir: string): GruParams {
  const manifestPath = join(dir, "policy.json");
  let manifest: PolicyManifest;
  let blob: Buffer;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    blob = readFileSync(join(dir, "policy.bin"));
  } catch {
    throw new UserError(`${dir}: cannot read policy.json and policy.bin`);
  }
  if (manifest.format !== POLICY_FORMAT || manifest.version !== POLICY_VERSION) {
    throw new UserError(`${manifestPath}: not an ${POLICY_FORMAT} v${POLICY_VERSION} file`);
  }
  const tensors = unpackFloat32LE(blob, manifest.tensors, `${dir}/policy.bin`);
  return { shape: manifest.shape, tensors };
}
