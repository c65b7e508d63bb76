import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { asyncBufferFromFile, type Encoding, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { compressors } from "hyparquet-compressors";
import { parquetWriteFile } from "hyparquet-writer";
import { readParquetRecords } from "../../src/data/parquet.js";
import { isFlatStringColumn } from "../../src/data/parquet-strings.js";
import { createRng } from "../../src/runtime/random.js";
import { tempDir } from "../cli/run-cli.js";
import { userError } from "./fixture.js";

/**
 * Flat string columns decoded from their pages (parquet-strings.ts) against two other readers of the same
 * files: hyparquet's own decoder, and DuckDB's (a C++ implementation, which also writes the pyarrow-like files:
 * version 1 data pages, dictionary encoding, zstd and gzip).
 */

const dir = tempDir("parquet-pages");

type WriterEncoding = NonNullable<Parameters<typeof parquetWriteFile>[0]["columnData"][number]["encoding"]>;

async function ourRows(path: string, columns: string[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const { record } of readParquetRecords(path, columns)) rows.push(record);
  return rows;
}

async function hyparquetRows(path: string, columns: string[]): Promise<Record<string, unknown>[]> {
  const rows = await parquetReadObjects({ file: await asyncBufferFromFile(path), columns, compressors });
  return rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null])));
}

/** The encodings and page kinds of a file's string columns, checking that parquet-strings.ts reads them all. */
async function stringEncodings(path: string): Promise<Set<Encoding>> {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
  const encodings = new Set<Encoding>();
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const element = metadata.schema.find((e) => e.name === chunk.meta_data?.path_in_schema[0]);
      assert.ok(
        element && isFlatStringColumn(element, chunk),
        `${path}: ${element?.name} not read from its pages`,
      );
      for (const encoding of chunk.meta_data?.encodings ?? []) encodings.add(encoding);
    }
  }
  return encodings;
}

/** Strings of every kind: ASCII, accents, CJK, emoji, empty, long (past a small page), repeated. */
function strings(count: number, seed: number, distinct: number): string[] {
  const rng = createRng(seed);
  const pieces = ["plain", "é à ü", "中文字", "🙂👍", "", "tab\there", "line\nbreak", "quote \" '"];
  const pool = Array.from({ length: distinct }, (_, i) => {
    const words = Array.from({ length: rng.int(6) }, () => pieces[rng.int(pieces.length)]);
    const long = i % 97 === 3 ? "x".repeat(3000) : "";
    return `${words.join(" ")}${i % 11 === 0 ? "" : ` ${i}`}${long}`;
  });
  return Array.from({ length: count }, () => pool[rng.int(distinct)]);
}

test("hyparquet-writer's string pages (v2) in every encoding, required and optional, read as hyparquet reads them", async () => {
  const rows = 2000;
  const encodings: (WriterEncoding & Encoding)[] = [
    "PLAIN",
    "RLE_DICTIONARY",
    "DELTA_LENGTH_BYTE_ARRAY",
    "DELTA_BYTE_ARRAY",
  ];
  for (const encoding of encodings) {
    for (const optional of [false, true]) {
      for (const offsetIndex of [true, false]) {
        for (const codec of ["SNAPPY", "UNCOMPRESSED"] as const) {
          const values = strings(rows, encodings.indexOf(encoding) + 1, optional ? 150 : 1500);
          const nullable = values.map((value, i) => (optional && i % 9 === 4 ? null : value));
          const path = join(dir, `${encoding}-${optional}-${offsetIndex}-${codec}.parquet`);
          parquetWriteFile({
            filename: path,
            schema: [
              { name: "root", num_children: 1 },
              {
                name: "text",
                type: "BYTE_ARRAY",
                converted_type: "UTF8",
                repetition_type: optional ? "OPTIONAL" : "REQUIRED",
              },
            ],
            columnData: [{ name: "text", data: nullable as string[], encoding, offsetIndex }],
            rowGroupSize: 700,
            pageSize: 512,
            codec,
          });
          const what = `${encoding}, ${optional ? "optional" : "required"}, offset index ${offsetIndex}, ${codec}`;
          assert.ok((await stringEncodings(path)).has(encoding), what);
          const ours = await ourRows(path, ["text"]);
          assert.deepEqual(ours, await hyparquetRows(path, ["text"]), what);
          assert.deepEqual(
            ours.map((row) => row.text),
            nullable,
            what,
          );
        }
      }
    }
  }
});

test("DuckDB's files (v1 pages, dictionary and plain, every codec, nulls; v2 with delta lengths) read as DuckDB and hyparquet read them", async () => {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  // Single-threaded: DuckDB then keeps the rows' order in what it writes and reads.
  await connection.run("SET threads = 1");
  const source = `
    SELECT
      CASE WHEN i % 7 = 0 THEN NULL ELSE 'é ' || i || ' ' || repeat('中', i % 13) END AS unique_text,
      'topic ' || (i % 5) AS few_values,
      CASE WHEN i % 11 = 0 THEN NULL WHEN i % 3 = 0 THEN '' ELSE '🙂 ' || (i % 40) END AS some_nulls
    FROM range(5000) t(i)`;
  const columns = ["unique_text", "few_values", "some_nulls"];
  const seen = new Set<Encoding>();
  try {
    for (const options of [
      "COMPRESSION snappy",
      "COMPRESSION zstd",
      "COMPRESSION gzip",
      "COMPRESSION uncompressed",
      "COMPRESSION snappy, ROW_GROUP_SIZE 1024",
      "COMPRESSION zstd, PARQUET_VERSION v2",
    ]) {
      const path = join(dir, `duckdb-${options.replace(/[^a-z0-9]+/gi, "-")}.parquet`);
      await connection.run(`COPY (${source}) TO '${path}' (FORMAT parquet, ${options})`);
      for (const encoding of await stringEncodings(path)) seen.add(encoding);
      const duckdb = (
        await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`)
      ).getRowObjectsJS();
      const ours = await ourRows(path, columns);
      assert.equal(ours.length, 5000, options);
      assert.deepEqual(ours, duckdb, options);
      assert.deepEqual(ours, await hyparquetRows(path, columns), options);
    }
  } finally {
    connection.closeSync();
    db.closeSync();
  }
  for (const encoding of [
    "PLAIN",
    "PLAIN_DICTIONARY",
    "RLE_DICTIONARY",
    "DELTA_LENGTH_BYTE_ARRAY",
  ] as const) {
    assert.ok(seen.has(encoding), `DuckDB's files hold ${encoding} pages (${[...seen].join(", ")})`);
  }
});

test("parquet: a string whose length runs past its page is an unreadable file, not a wrong value", async () => {
  const path = join(dir, "bad-length.parquet");
  const values = Array.from({ length: 1000 }, (_, i) => `value ${String(i).padStart(4, "0")}`);
  parquetWriteFile({
    filename: path,
    schema: [
      { name: "root", num_children: 1 },
      { name: "text", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
    ],
    columnData: [{ name: "text", data: values, encoding: "PLAIN" }],
    codec: "UNCOMPRESSED",
    statistics: false,
  });
  const bytes = readFileSync(path);
  const at = bytes.indexOf("value 0500");
  assert.ok(at > 4 && bytes.indexOf("value 0500", at + 1) === -1, "the value is in the file once");
  bytes.writeUInt32LE(0x7fffffff, at - 4);
  writeFileSync(path, bytes);
  await assert.rejects(
    ourRows(path, ["text"]),
    userError(/bad-length\.parquet: not a readable parquet file \(a string runs past the end of its page\)/),
  );
});

test("parquet: a dictionary index past its dictionary is an unreadable file", async () => {
  const path = join(dir, "bad-index.parquet");
  parquetWriteFile({
    filename: path,
    schema: [
      { name: "root", num_children: 1 },
      { name: "text", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
    ],
    columnData: [
      {
        name: "text",
        data: Array.from({ length: 64 }, (_, i) => (i < 32 ? "a" : "b")),
        encoding: "RLE_DICTIONARY",
      },
    ],
    codec: "UNCOMPRESSED",
    statistics: false,
  });
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
  const start = Number(metadata.row_groups[0].columns[0].meta_data?.data_page_offset);
  const bytes = readFileSync(path);
  const at = { view: new DataView(bytes.buffer, bytes.byteOffset + start), offset: 0 };
  assert.equal(parquetHeader(at).data_page_header_v2?.encoding, "RLE_DICTIONARY");
  const body = start + at.offset;
  // Bit width 1, then two runs of 32 (header 32 << 1): index 0, index 1. The second run's index becomes 3.
  assert.deepEqual([...bytes.subarray(body, body + 5)], [1, 64, 0, 64, 1]);
  bytes[body + 4] = 3;
  writeFileSync(path, bytes);
  await assert.rejects(
    ourRows(path, ["text"]),
    userError(/bad-index\.parquet: not a readable parquet file \(dictionary index 3 of a dictionary of 2\)/),
  );
});

test("parquet: JSON, BSON and other typed byte columns stay hyparquet's (JSON read as its value)", async () => {
  const path = join(dir, "json-column.parquet");
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    await connection.run(
      `COPY (SELECT 'row ' || i AS text, ('{"turn": ' || i || '}')::JSON AS meta FROM range(10) t(i)) TO '${path}' (FORMAT parquet)`,
    );
  } finally {
    connection.closeSync();
    db.closeSync();
  }
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
  const [text, meta] = metadata.row_groups[0].columns;
  const element = (name: string) => metadata.schema.find((e) => e.name === name);
  assert.ok(isFlatStringColumn(element("text") ?? { name: "" }, text));
  assert.ok(!isFlatStringColumn(element("meta") ?? { name: "" }, meta));
  const ours = await ourRows(path, ["text", "meta"]);
  assert.deepEqual(ours[3], { text: "row 3", meta: { turn: 3 } });
  assert.deepEqual(ours, await hyparquetRows(path, ["text", "meta"]));
});
