import { doubled } from "../runtime/grow.js";
import type { FeatureRow, Featurizer } from "./featurizer.js";
import type { SparseRow } from "./hashing.js";

/**
 * Sparse feature rows stored compactly: row r holds `length[r]` entries from `start[r]` in chunk
 * `chunk[r]`. A million pairs are two million rows: kept as millions of small typed arrays they would
 * cost far more than their entries, so entries live in a few large chunks instead. Chunks are
 * SharedArrayBuffers, so worker threads read the rows without a copy.
 */
export interface RowPool {
  kind: "sparse";
  dimension: number;
  rows: number;
  chunk: Int32Array;
  start: Int32Array;
  length: Int32Array;
  chunks: { indices: Int32Array; values: Float32Array }[];
}

/** Entries per chunk: the first chunk is small (small datasets stay small), later ones double up to the cap. */
const FIRST_CHUNK = 1 << 14;
const MAX_CHUNK = 1 << 22;

function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}

function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

/** Appends rows one at a time (a streaming pass never holds them all as objects) and seals them into a RowPool. */
export function createRowPoolBuilder(dimension: number) {
  const chunks: RowPool["chunks"] = [];
  let used = 0;
  let rows = 0;
  let rowChunk = new Int32Array(1024);
  let rowStart = new Int32Array(1024);
  let rowLength = new Int32Array(1024);

  const room = (entries: number) => {
    const current = chunks[chunks.length - 1];
    if (current !== undefined && used + entries <= current.indices.length) return;
    const size = Math.max(entries, Math.min(MAX_CHUNK, FIRST_CHUNK << chunks.length));
    chunks.push({ indices: sharedInt32(size), values: sharedFloat32(size) });
    used = 0;
  };

  return {
    /** Appends a row; returns its number. */
    add(row: SparseRow): number {
      const n = row.indices.length;
      room(n);
      const target = chunks[chunks.length - 1];
      target.indices.set(row.indices, used);
      target.values.set(row.values, used);
      if (rows === rowChunk.length) {
        rowChunk = doubled(rowChunk);
        rowStart = doubled(rowStart);
        rowLength = doubled(rowLength);
      }
      rowChunk[rows] = chunks.length - 1;
      rowStart[rows] = used;
      rowLength[rows] = n;
      used += n;
      return rows++;
    },
    get rows(): number {
      return rows;
    },
    seal(): RowPool {
      const copy = (array: Int32Array) => {
        const shared = sharedInt32(rows);
        shared.set(array.subarray(0, rows));
        return shared;
      };
      return {
        kind: "sparse",
        dimension,
        rows,
        chunk: copy(rowChunk),
        start: copy(rowStart),
        length: copy(rowLength),
        chunks,
      };
    },
  };
}

/** Row r of a pool as a SparseRow (views, not copies). */
export function poolRow(pool: RowPool, r: number): SparseRow {
  const { indices, values } = pool.chunks[pool.chunk[r]];
  const from = pool.start[r];
  const to = from + pool.length[r];
  return { indices: indices.subarray(from, to), values: values.subarray(from, to) };
}

/** A pool of the given rows, in order: for scoring rows featurised on the fly. */
export function rowPoolOf(rows: SparseRow[], dimension: number): RowPool {
  const builder = createRowPoolBuilder(dimension);
  for (const row of rows) builder.add(row);
  return builder.seal();
}

/** Dense feature rows (embeddings): row r is data[r·D .. (r + 1)·D), in shared memory like a RowPool. */
export interface DensePool {
  kind: "dense";
  dimension: number;
  rows: number;
  data: Float32Array;
}

/** The rows training and scoring read: sparse or dense. */
export type FeaturePool = RowPool | DensePool;

function createDensePoolBuilder(dimension: number) {
  let data = sharedFloat32(1024 * dimension);
  let rows = 0;
  return {
    add(row: Float32Array): number {
      if ((rows + 1) * dimension > data.length) {
        const bigger = sharedFloat32(2 * data.length);
        bigger.set(data);
        data = bigger;
      }
      data.set(row, rows * dimension);
      return rows++;
    },
    get rows(): number {
      return rows;
    },
    seal(): DensePool {
      const sealed = sharedFloat32(rows * dimension);
      sealed.set(data.subarray(0, rows * dimension));
      return { kind: "dense", dimension, rows, data: sealed };
    },
  };
}

/** A builder of the featurizer's kind of pool. */
export function createPoolBuilder(featurizer: Featurizer) {
  const { dimension } = featurizer;
  if (featurizer.dense) {
    const dense = createDensePoolBuilder(dimension);
    return {
      add: (row: FeatureRow) => dense.add(row as Float32Array),
      get rows() {
        return dense.rows;
      },
      seal: (): FeaturePool => dense.seal(),
    };
  }
  const sparse = createRowPoolBuilder(dimension);
  return {
    add: (row: FeatureRow) => sparse.add(row as SparseRow),
    get rows() {
      return sparse.rows;
    },
    seal: (): FeaturePool => sparse.seal(),
  };
}

/** Values in row r (its non-zeros, or its width when dense): the work of reading it. */
export function rowEntries(pool: FeaturePool, r: number): number {
  return pool.kind === "dense" ? pool.dimension : pool.length[r];
}
