import assert from "node:assert/strict";
import { test } from "node:test";
import type { SparseRow } from "../../src/features/hashing.js";
import { createRowPoolBuilder, poolRow, rowPoolOf } from "../../src/features/pool.js";

const row = (n: number, base: number): SparseRow => ({
  indices: Int32Array.from({ length: n }, (_, i) => i),
  values: Float32Array.from({ length: n }, (_, i) => base + i),
});

test("a pool gives back every row as added, across chunks, with empty and oversized rows", () => {
  const rows = [
    row(3, 0),
    row(0, 0),
    ...Array.from({ length: 3000 }, (_, r) => row(r % 17, r)),
    row(40000, 5),
  ];
  const pool = rowPoolOf(rows, 1 << 16);
  assert.equal(pool.rows, rows.length);
  assert.ok(pool.chunks.length > 1, "rows spread over several chunks");
  rows.forEach((want, r) => {
    const got = poolRow(pool, r);
    assert.deepEqual(got.indices, want.indices, `row ${r}`);
    assert.deepEqual(got.values, want.values, `row ${r}`);
  });
});

test("pool arrays live in shared memory, so worker threads read them without a copy", () => {
  const builder = createRowPoolBuilder(8);
  builder.add(row(2, 1));
  const pool = builder.seal();
  assert.ok(pool.chunks[0].indices.buffer instanceof SharedArrayBuffer);
  assert.ok(pool.start.buffer instanceof SharedArrayBuffer);
});
