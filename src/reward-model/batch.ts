import type { RowPool } from "../features/pool.js";
import type { BatchEntries, Head } from "./heads.js";

/**
 * Builds the host side of sparse batches (see heads.ts) into buffers reused from step to step, so a
 * step costs time proportional to its non-zeros and allocates nothing once the buffers have grown.
 * A batch's arrays are views of those buffers: valid until the builder makes the next batch.
 */
export function createBatchBuilder() {
  let index = new Int32Array(1 << 14);
  let value = new Float32Array(1 << 14);
  let segment = new Int32Array(1 << 14);
  let k = 0;

  const reserve = (extra: number) => {
    if (k + extra <= index.length) return;
    const size = Math.max(2 * index.length, k + extra);
    const grow = <T extends Int32Array | Float32Array>(old: T, make: (n: number) => T): T => {
      const bigger = make(size);
      bigger.set(old.subarray(0, k));
      return bigger;
    };
    index = grow(index, (n) => new Int32Array(n));
    value = grow(value, (n) => new Float32Array(n));
    segment = grow(segment, (n) => new Int32Array(n));
  };
  /** Appends row r of the pool as row `row`, its feature indices shifted by `offset`, values times `sign`. */
  const append = (pool: RowPool, r: number, row: number, offset: number, sign: number) => {
    const n = pool.length[r];
    reserve(n);
    const chunk = pool.chunks[pool.chunk[r]];
    const from = pool.start[r];
    // Locals, not the closure's variables, in the hot loop: V8 keeps them in registers.
    const indices = chunk.indices;
    const values = chunk.values;
    const at = k;
    const into = index;
    const scaled = value;
    for (let j = 0; j < n; j++) {
      into[at + j] = offset + indices[from + j];
      scaled[at + j] = sign * values[from + j];
    }
    segment.fill(row, at, at + n);
    k = at + n;
  };
  const batch = (rows: number): BatchEntries => ({
    index: index.subarray(0, k),
    value: value.subarray(0, k),
    segment: segment.subarray(0, k),
    rows,
  });

  return {
    /**
     * One training step of a group: member g trains on pairs orders[g][from .. from + pairs). Linear:
     * one difference row per pair (row g·P + p). MLP: member g's chosen rows, then its rejected rows
     * (rows g·2P + p and g·2P + P + p). Entries index the member's block of the stacked weights.
     */
    pairStep(head: Head, pool: RowPool, orders: Int32Array[], from: number, pairs: number): BatchEntries {
      k = 0;
      const D = pool.dimension;
      for (let g = 0; g < orders.length; g++) {
        const order = orders[g];
        for (let p = 0; p < pairs; p++) {
          const pair = order[from + p];
          if (head === "linear") {
            append(pool, 2 * pair, g * pairs + p, g * D, 1);
            append(pool, 2 * pair + 1, g * pairs + p, g * D, -1);
          } else append(pool, 2 * pair, 2 * g * pairs + p, g * D, 1);
        }
        if (head === "mlp") {
          for (let p = 0; p < pairs; p++)
            append(pool, 2 * order[from + p] + 1, (2 * g + 1) * pairs + p, g * D, 1);
        }
      }
      return batch(orders.length * (head === "linear" ? pairs : 2 * pairs));
    },
    /** Pool rows rowIds[from .. to) as shared rows 0 .. to − from, for scoring by every member. */
    sharedRows(pool: RowPool, rowIds: ArrayLike<number>, from: number, to: number): BatchEntries {
      k = 0;
      for (let i = from; i < to; i++) append(pool, rowIds[i], i - from, 0, 1);
      return batch(to - from);
    },
  };
}
