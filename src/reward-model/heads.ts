import * as tf from "@tensorflow/tfjs-core";

/**
 * The reward heads of G ensemble members at once, on sparse feature rows, with hand-written gradients.
 *
 * Why not dense matMuls and autograd: tfjs's WebAssembly backend sends a matMul to XNNPACK only when
 * neither operand is transposed and both are 2-D, and the gradient of a dense layer needs Xᵀ·G (35 ms
 * on the fallback loop for a [4096,128]ᵀ×[128,32] product, against 1 ms for the same product with Xᵀ
 * built first: see `npm run bench`). Hashed n-gram rows have ~1-2% non-zeros, so gathering the
 * weights of the non-zeros, summing them per row and scattering the gradient back (gatherND and
 * scatterND) does far less work than any dense product, needs no Xᵀ, and batching the members
 * (their weights side by side, each entry pointing into its member's block) turns one op per member
 * into one op per ensemble. Every reduction stays within one member's rows and block, so a member's
 * numbers do not depend on which members share its batch.
 *
 * Parameters of a group, members stacked along the first axis:
 *   linear: w [G·D]                          r(x) = x·w
 *   mlp:    w1 [G·D, H], b1 [G, H], w2 [G, H]  r(x) = relu(x·W1 + b1)·w2
 */
export type Head = "linear" | "mlp";
export type GroupTensors = Record<string, tf.Tensor>;

/** Sparse rows on the device: entry k adds value[k]·(weight row index[k]) to row segment[k]. */
export interface SparseBatch {
  index: tf.Tensor2D;
  value: tf.Tensor1D;
  segment: tf.Tensor2D;
  rows: number;
}

/**
 * Host arrays of a SparseBatch. Backends may keep the arrays rather than copy them (tfjs's cpu
 * backend does): keep them unchanged while the batch's tensors live.
 */
export interface BatchEntries {
  index: Int32Array;
  value: Float32Array;
  segment: Int32Array;
  rows: number;
}

export function uploadBatch(entries: BatchEntries): SparseBatch {
  const k = entries.index.length;
  return {
    index: tf.tensor2d(entries.index, [k, 1], "int32"),
    value: tf.tensor1d(entries.value, "float32"),
    segment: tf.tensor2d(entries.segment, [k, 1], "int32"),
    rows: entries.rows,
  };
}

/**
 * Σ_k value[k]·table[index[k]] for each row: the sparse rows times a weight table [N] or [N, H]. The
 * sum per row is a scatterND (which adds entries that land on the same row, in entry order): unlike
 * sparseSegmentSum it exists on all three backends.
 */
function sparseRows(table: tf.Tensor, batch: SparseBatch): tf.Tensor {
  const gathered = tf.gatherND(table, batch.index);
  const weighted =
    gathered.rank === 1 ? tf.mul(gathered, batch.value) : tf.mul(gathered, tf.expandDims(batch.value, 1));
  return tf.scatterND(batch.segment, weighted, [batch.rows, ...table.shape.slice(1)]);
}

/** The transpose of sparseRows: Σ over entries of value[k]·rowGradient[segment[k]], scattered into a table of `shape`. */
function sparseRowsGradient(rowGradient: tf.Tensor, batch: SparseBatch, shape: number[]): tf.Tensor {
  const perEntry = tf.gatherND(rowGradient, batch.segment);
  const weighted =
    perEntry.rank === 1 ? tf.mul(perEntry, batch.value) : tf.mul(perEntry, tf.expandDims(batch.value, 1));
  return tf.scatterND(batch.index, weighted, shape);
}

/** Bradley-Terry loss of each pair, softplus(−(r_chosen − r_rejected)); tfjs's softplus is stable for any margin. */
export function bradleyTerryLosses(margins: tf.Tensor): tf.Tensor {
  return tf.softplus(tf.neg(margins));
}

/** A type, not an interface, so that tf.tidy can return it. */
export type LossAndGradients = {
  /**
   * Per member: mean Bradley-Terry loss over its pairs. The L2 penalty's value is left to the host
   * (params.ts, l2Penalty), once an epoch: a pass over every weight each step only to report it
   * would cost as much as a tenth of an mlp step. Its gradient, 2λw, is in `grads`.
   */
  losses: tf.Tensor1D;
  grads: GroupTensors;
};

/**
 * Linear head on difference rows: row g·P + p is x_chosen − x_rejected of member g's p-th pair, so its
 * score is the margin. ∂loss/∂margin = −σ(−margin)/P, and ∂/∂w = Σ_rows (∂loss/∂margin)·row + 2λw
 * (the gradient of the Bradley-Terry loss plus the L2 penalty λ·Σw²).
 */
export function linearLossAndGradients(
  params: GroupTensors,
  batch: SparseBatch,
  members: number,
  pairs: number,
  lambda: number,
): LossAndGradients {
  const w = params.w;
  const negMargins = tf.neg(sparseRows(w, batch));
  const pairLosses = tf.reshape(tf.softplus(negMargins), [members, pairs]);
  const losses = tf.mean(pairLosses, 1) as tf.Tensor1D;
  const dMargin = tf.mul(tf.sigmoid(negMargins), -1 / pairs);
  const gw = tf.add(sparseRowsGradient(dMargin, batch, w.shape), tf.mul(w, 2 * lambda));
  return { losses, grads: { w: gw } };
}

/**
 * MLP head on response rows: member g's rows are its P chosen responses then its P rejected ones.
 * Backward pass by hand: dr = (dm, −dm); ∂w2 = Σ_rows dr·h; ∂pre = dr·w2·[pre > 0];
 * ∂b1 = Σ_rows ∂pre; ∂W1 = Σ_rows rowᵀ·∂pre (a scatter); the L2 gradient 2λw on W1 and w2.
 */
export function mlpLossAndGradients(
  params: GroupTensors,
  batch: SparseBatch,
  members: number,
  pairs: number,
  lambda: number,
): LossAndGradients {
  const { w1, b1, w2 } = params;
  const hidden = w1.shape[1] as number;
  const w2Rows = tf.reshape(w2, [members, 1, hidden]);
  const pre = tf.add(
    tf.reshape(sparseRows(w1, batch), [members, 2 * pairs, hidden]),
    tf.reshape(b1, [members, 1, hidden]),
  );
  const h = tf.relu(pre);
  const [chosen, rejected] = tf.split(tf.sum(tf.mul(h, w2Rows), 2), 2, 1);
  const negMargins = tf.neg(tf.sub(chosen, rejected));
  const losses = tf.mean(tf.softplus(negMargins), 1) as tf.Tensor1D;
  const dMargin = tf.mul(tf.sigmoid(negMargins), -1 / pairs);
  const dReward = tf.expandDims(tf.concat([dMargin, tf.neg(dMargin)], 1), 2);
  const gw2 = tf.add(tf.sum(tf.mul(h, dReward), 1), tf.mul(w2, 2 * lambda));
  const dPre = tf.mul(tf.mul(dReward, w2Rows), tf.step(pre));
  const gb1 = tf.sum(dPre, 1);
  const gw1 = tf.add(
    sparseRowsGradient(tf.reshape(dPre, [members * 2 * pairs, hidden]), batch, w1.shape),
    tf.mul(w1, 2 * lambda),
  );
  return { losses, grads: { w1: gw1, b1: gb1, w2: gw2 } };
}

/**
 * Rewards of shared rows (the same rows for every member, whose entries index features 0..D−1)
 * under each member of a group: [rows, G].
 */
export function scoreSharedRows(
  head: Head,
  params: GroupTensors,
  batch: SparseBatch,
  members: number,
): tf.Tensor2D {
  if (head === "linear") {
    const byFeature = tf.transpose(tf.reshape(params.w, [members, -1]));
    return sparseRows(byFeature, batch) as tf.Tensor2D;
  }
  const { w1, b1, w2 } = params;
  const hidden = w1.shape[1] as number;
  const dimension = (w1.shape[0] as number) / members;
  const byFeature = tf.reshape(tf.transpose(tf.reshape(w1, [members, dimension, hidden]), [1, 0, 2]), [
    dimension,
    members * hidden,
  ]);
  const h = tf.relu(tf.add(sparseRows(byFeature, batch), tf.reshape(b1, [-1])));
  return tf.sum(tf.reshape(tf.mul(h, tf.reshape(w2, [-1])), [batch.rows, members, hidden]), 2) as tf.Tensor2D;
}
