import type { SparseRow } from "../features/hashing.js";

/**
 * Writes sparse rows into a reusable dense [rows, D] buffer. Clearing only the cells the previous
 * batch set keeps a step's cost proportional to the non-zeros, not to rows × D.
 */
export function createDensifier(maxRows: number, dimension: number) {
  const buffer = new Float32Array(maxRows * dimension);
  let written: SparseRow[] = [];
  return (rows: SparseRow[]): Float32Array => {
    for (let r = 0; r < written.length; r++) {
      for (const i of written[r].indices) buffer[r * dimension + i] = 0;
    }
    for (let r = 0; r < rows.length; r++) {
      const { indices, values } = rows[r];
      for (let k = 0; k < indices.length; k++) buffer[r * dimension + indices[k]] = values[k];
    }
    written = rows;
    return buffer.subarray(0, rows.length * dimension);
  };
}
