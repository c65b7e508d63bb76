/**
 * The benchmark's feature file: align's featurised pairs in a form PyTorch reads with numpy, so both
 * implementations train on the very same rows. Layout: the line "ALIGNFEAT1", a JSON header line
 * {dimension, rows, entries, splits: {train, validation, test}}, then little-endian arrays back to back:
 * int32 rowLength[rows], int32 indices[entries], float32 values[entries], int32 pairs of each split.
 * Pair p's chosen response is row 2p, its rejected one row 2p + 1. Dense rows (embeddings): the line
 * "ALIGNDENSE1", a JSON header line {dimension, rows, splits}, then float32 data[rows × dimension] and
 * the int32 pairs of each split.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { SPLITS } from "../src/data/split.js";
import type { Split } from "../src/data/types.js";
import { createRowPoolBuilder, type DensePool, poolRow } from "../src/features/pool.js";
import type { TrainingData } from "../src/features/training-data.js";
import { createRng } from "../src/runtime/random.js";

const MAGIC = "ALIGNFEAT1\n";
const DENSE_MAGIC = "ALIGNDENSE1\n";

function writeDense(path: string, data: TrainingData, pool: DensePool): void {
  const splits = Object.fromEntries(SPLITS.map((s) => [s, data.splits[s].length]));
  const header = `${DENSE_MAGIC}${JSON.stringify({ dimension: pool.dimension, rows: pool.rows, splits })}\n`;
  const arrays = [pool.data, ...SPLITS.map((s) => data.splits[s])];
  writeFileSync(
    path,
    Buffer.concat([
      Buffer.from(header),
      ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)),
    ]),
  );
}

export function writeFeatures(path: string, data: TrainingData): void {
  if (data.pool.kind === "dense") {
    writeDense(path, data, data.pool);
    return;
  }
  const pool = data.pool;
  let entries = 0;
  for (let r = 0; r < pool.rows; r++) entries += pool.length[r];
  const indices = new Int32Array(entries);
  const values = new Float32Array(entries);
  let k = 0;
  for (let r = 0; r < pool.rows; r++) {
    const row = poolRow(pool, r);
    indices.set(row.indices, k);
    values.set(row.values, k);
    k += row.indices.length;
  }
  const splits = Object.fromEntries(SPLITS.map((s) => [s, data.splits[s].length]));
  const header = `${MAGIC}${JSON.stringify({ dimension: pool.dimension, rows: pool.rows, entries, splits })}\n`;
  const arrays = [pool.length.slice(), indices, values, ...SPLITS.map((s) => data.splits[s])];
  writeFileSync(
    path,
    Buffer.concat([
      Buffer.from(header),
      ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)),
    ]),
  );
}

/**
 * Reads a feature file back as TrainingData, with the training split repeated `copies` times (each copy
 * its own pairs: the cost of k times the data, with the same rows).
 */
export function readFeatures(path: string, copies = 1): TrainingData {
  const file = readFileSync(path);
  const dense = file.toString("latin1", 0, DENSE_MAGIC.length) === DENSE_MAGIC;
  const magic = dense ? DENSE_MAGIC : MAGIC;
  const headerEnd = file.indexOf("\n", magic.length);
  const header = JSON.parse(file.toString("utf8", magic.length, headerEnd));
  let offset = headerEnd + 1;
  const take = <T>(make: (buffer: ArrayBuffer) => T, count: number): T => {
    const bytes = file.subarray(offset, offset + 4 * count);
    offset += 4 * count;
    return make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  };
  const splitsOf = () => {
    const splits = {} as Record<Split, Int32Array>;
    for (const split of SPLITS) splits[split] = take((b) => new Int32Array(b), header.splits[split]);
    return splits;
  };
  if (dense) {
    const data = take((b) => new Float32Array(b), header.rows * header.dimension);
    const splits = splitsOf();
    const pool: DensePool = { kind: "dense", dimension: header.dimension, rows: header.rows, data };
    const train = Int32Array.from(
      { length: copies * splits.train.length },
      (_, i) => splits.train[i % splits.train.length],
    );
    return { pool, splits: { ...splits, train }, dropped: {}, source: `${path} (train x${copies})` };
  }
  const length = take((b) => new Int32Array(b), header.rows);
  const indices = take((b) => new Int32Array(b), header.entries);
  const values = take((b) => new Float32Array(b), header.entries);
  const splits = splitsOf();
  const starts = new Int32Array(header.rows + 1);
  for (let r = 0; r < header.rows; r++) starts[r + 1] = starts[r] + length[r];
  const builder = createRowPoolBuilder(header.dimension);
  const addPair = (p: number) => {
    for (const r of [2 * p, 2 * p + 1]) {
      builder.add({
        indices: indices.subarray(starts[r], starts[r + 1]),
        values: values.subarray(starts[r], starts[r + 1]),
      });
    }
    return builder.rows / 2 - 1;
  };
  const train = Int32Array.from({ length: copies * splits.train.length }, (_, i) =>
    addPair(splits.train[i % splits.train.length]),
  );
  const validation = Int32Array.from(splits.validation, addPair);
  const test = Int32Array.from(splits.test, addPair);
  return {
    pool: builder.seal(),
    splits: { train, validation, test },
    dropped: {},
    source: `${path} (train x${copies})`,
  };
}

/**
 * Dense rows like a user's embeddings: Gaussian vectors of `dimension`, a planted linear reward,
 * `pairs` pairs whose chosen response is the one with the higher reward, split 70/10/20.
 */
export function plantedEmbeddings(dimension: number, pairs: number, seed = 1): TrainingData {
  const rng = createRng(seed);
  const wStar = Float64Array.from({ length: dimension }, () => rng.normal());
  const data = new Float32Array(2 * pairs * dimension);
  for (let p = 0; p < pairs; p++) {
    const rewards = [0, 1].map((side) => {
      let r = 0;
      for (let i = 0; i < dimension; i++) {
        const x = rng.normal() / Math.sqrt(dimension);
        data[(2 * p + side) * dimension + i] = x;
        r += x * wStar[i];
      }
      return r;
    });
    if (rewards[1] > rewards[0]) {
      // Swap so that row 2p (chosen) is the better one.
      const a = data.slice(2 * p * dimension, (2 * p + 1) * dimension);
      data.copyWithin(2 * p * dimension, (2 * p + 1) * dimension, (2 * p + 2) * dimension);
      data.set(a, (2 * p + 1) * dimension);
    }
  }
  const cut = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
  const train = Math.floor(0.7 * pairs);
  const validation = Math.floor(0.8 * pairs);
  return {
    pool: { kind: "dense", dimension, rows: 2 * pairs, data },
    splits: { train: cut(0, train), validation: cut(train, validation), test: cut(validation, pairs) },
    dropped: {},
    source: `planted embeddings, D = ${dimension}`,
  };
}
