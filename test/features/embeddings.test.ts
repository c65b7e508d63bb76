import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readEmbeddings } from "../../src/features/embeddings.js";
import { tempDir } from "../cli/run-cli.js";

/** A safetensors file: u64 LE header length, JSON header, data. */
function safetensors(header: object, data: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
const f32 = Buffer.from(values.buffer);

function files(content: Buffer, texts = ["a", "b", "c"]) {
  const dir = tempDir("st");
  const path = join(dir, "e.safetensors");
  const index = join(dir, "e.index.jsonl");
  writeFileSync(path, content);
  writeFileSync(index, texts.map((text) => `${JSON.stringify({ text })}\n`).join(""));
  return { path, index };
}

test("a safetensors matrix is read row for row, the tensor named or the only one", () => {
  const header = { __metadata__: {}, emb: { dtype: "F32", shape: [3, 2], data_offsets: [0, 24] } };
  const table = readEmbeddings(files(safetensors(header, f32)));
  assert.deepEqual(table.data, values);
  assert.equal(table.rowOf.get("b"), 1);
  const two = { ...header, other: { dtype: "F32", shape: [1, 2], data_offsets: [24, 32] } };
  const both = files(safetensors(two, Buffer.concat([f32, Buffer.alloc(8)])));
  assert.throws(
    () => readEmbeddings(both),
    /several tensors \(emb, other\): name one with features\.embeddings\.tensor/,
  );
  assert.deepEqual(readEmbeddings({ ...both, tensor: "emb" }).data, values);
});

test("bad safetensors files are user errors naming the file", () => {
  const good = { emb: { dtype: "F32", shape: [3, 2], data_offsets: [0, 24] } };
  const cases: [Buffer, RegExp][] = [
    [safetensors(good, f32.subarray(0, 20)), /e\.safetensors: truncated \(tensor 'emb' runs past the end\)/],
    [Buffer.alloc(4), /e\.safetensors: truncated \(no header\)/],
    [
      safetensors({ emb: { ...good.emb, shape: [3, 3] } }, f32),
      /e\.safetensors: tensor 'emb': 24 bytes for a \[3, 3\] F32/,
    ],
    [safetensors({ emb: { ...good.emb, dtype: "I32" } }, f32), /tensor 'emb' is I32, expected F32 or F16/],
    [safetensors({ emb: { ...good.emb, shape: [6] } }, f32), /expected a 2-D matrix/],
  ];
  for (const [content, message] of cases) assert.throws(() => readEmbeddings(files(content)), message);
  assert.throws(
    () => readEmbeddings(files(safetensors(good, f32), ["a", "b"])),
    /2 texts, but .* has 3 rows/,
  );
});
