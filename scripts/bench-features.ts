/**
 * The benchmark's feature file: align's featurised pairs in a form PyTorch reads with numpy, so both
 * implementations train on the very same rows. Layout: the line "ALIGNFEAT1", a JSON header line
 * {dimension, rows, entries, splits: {train, validation, test}}, then little-endian arrays back to back:
 * int32 rowLength[rows], int32 indices[entries], float32 values[entries], int32 pairs of each split.
 * Pair p's chosen response is row 2p, its rejected one row 2p + 1.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { SPLITS } from "../src/data/split.js";
import type { Split } from "../src/data/types.js";
import { createRowPoolBuilder, poolRow } from "../src/features/pool.js";
import type { TrainingData } from "../src/features/training-data.js";

const MAGIC = "ALIGNFEAT1\n";

export function writeFeatures(path: string, data: TrainingData): void {
  const { pool } = data;
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
  const headerEnd = file.indexOf("\n", MAGIC.length);
  const header = JSON.parse(file.toString("utf8", MAGIC.length, headerEnd));
  let offset = headerEnd + 1;
  const take = <T>(make: (buffer: ArrayBuffer) => T, count: number): T => {
    const bytes = file.subarray(offset, offset + 4 * count);
    offset += 4 * count;
    return make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  };
  const length = take((b) => new Int32Array(b), header.rows);
  const indices = take((b) => new Int32Array(b), header.entries);
  const values = take((b) => new Float32Array(b), header.entries);
  const splits = {} as Record<Split, Int32Array>;
  for (const split of SPLITS) splits[split] = take((b) => new Int32Array(b), header.splits[split]);
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
