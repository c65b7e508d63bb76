/**
 * The measurements behind heads.ts's design: on tfjs's WebAssembly backend, a matMul reaches XNNPACK
 * only with 2-D operands and no transpose flag; otherwise it runs a naive loop. A dense layer's weight
 * gradient is Xᵀ·G, so autograd lands on the slow loop; the sparse gather/scatter step avoids matMuls.
 */
import * as tf from "@tensorflow/tfjs-core";
import { rowPoolOf } from "../src/features/pool.js";
import { createBatchBuilder } from "../src/reward-model/batch.js";
import { linearLossAndGradients, mlpLossAndGradients, uploadBatch } from "../src/reward-model/heads.js";
import { createRng } from "../src/runtime/random.js";

/** Median milliseconds of `fn` over `runs` calls after two warm-ups; every call builds fresh inputs. */
function time(fn: () => tf.Tensor | tf.Tensor[], runs = 15): number {
  const once = () => {
    const started = performance.now();
    const out = tf.tidy(fn);
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    tf.dispose(out);
    return performance.now() - started;
  };
  once();
  once();
  const times = Array.from({ length: runs }, once).sort((a, b) => a - b);
  return times[runs >> 1];
}

/** Kernel timings for a batch of 64 pairs (128 rows), D = 4096, H = 32, ~66 non-zeros a row (HH-RLHF). */
export function kernelTimings(): [string, number][] {
  const rows = 128;
  const D = 4096;
  const H = 32;
  const rng = createRng(1);
  const random = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  // Host data made once; each call uploads fresh tensors, as training does with each batch.
  const hostX = random(rows * D);
  const hostG = random(rows * H);
  const host3 = random(10 * rows * D);
  const hostW = random(10 * D);
  const denseX = () => tf.tensor2d(hostX, [rows, D]);
  const denseG = () => tf.tensor2d(hostG, [rows, H]);
  const sparse = Array.from({ length: 2 * rows * 10 }, () => {
    const indices = [...new Set(Array.from({ length: 66 }, () => rng.int(D)))].sort((a, b) => a - b);
    return { indices: Int32Array.from(indices), values: random(indices.length) };
  });
  const pool = rowPoolOf(sparse, D);
  const orders = Array.from({ length: 10 }, (_, g) => Int32Array.from({ length: 64 }, (_, p) => 64 * g + p));
  const builder = createBatchBuilder();
  const w = tf.tensor1d(random(10 * D));
  const mlp = {
    w1: tf.tensor2d(random(10 * D * H), [10 * D, H]),
    b1: tf.tensor2d(random(10 * H), [10, H]),
    w2: tf.tensor2d(random(10 * H), [10, H]),
  };
  return [
    [
      "dense forward X·w, X [128,4096] (XNNPACK)",
      time(() => tf.matMul(denseX(), tf.tensor2d(hostW.subarray(0, D), [D, 1]))),
    ],
    [
      "dense gradient Xᵀ·G, G [128,32], transposeA (naive loop)",
      time(() => tf.matMul(denseX(), denseG(), true, false)),
    ],
    [
      "dense gradient Xᵀ·G with Xᵀ built first (XNNPACK)",
      time(() => tf.matMul(tf.tensor2d(hostX, [D, rows]), denseG())),
    ],
    [
      "dense forward of 10 members as one 3-D matMul [10,128,4096]×[10,4096,1] (naive loop)",
      time(() => tf.matMul(tf.tensor3d(host3, [10, rows, D]), tf.tensor3d(hostW, [10, D, 1]))),
    ],
    [
      "sparse linear step, 1 member: loss and gradient",
      time(() =>
        Object.values(
          linearLossAndGradients(
            { w: tf.slice(w, 0, D) },
            uploadBatch(builder.pairStep("linear", pool, orders.slice(0, 1), 0, 64)),
            1,
            64,
            1e-4,
          ).grads,
        ),
      ),
    ],
    [
      "sparse linear step, 10 members at once",
      time(() =>
        Object.values(
          linearLossAndGradients(
            { w },
            uploadBatch(builder.pairStep("linear", pool, orders, 0, 64)),
            10,
            64,
            1e-4,
          ).grads,
        ),
      ),
    ],
    [
      "sparse mlp step (H=32), 10 members at once",
      time(() =>
        Object.values(
          mlpLossAndGradients(mlp, uploadBatch(builder.pairStep("mlp", pool, orders, 0, 64)), 10, 64, 1e-4)
            .grads,
        ),
      ),
    ],
  ];
}
