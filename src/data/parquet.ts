import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  type AsyncBuffer,
  asyncBufferFromFile,
  type FileMetaData,
  parquetMetadataAsync,
  parquetReadObjects,
  readOffsetIndex,
} from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { UserError } from "../runtime/errors.js";
import { type JsonObject, type Where, whereError } from "./fields.js";

/** Where a parquet row is: errors say `file: row N: column "x"`. */
function rowWhere(file: string, line: number): Where {
  return { file, line, unit: "row", noun: "column" };
}

/**
 * Parquet through hyparquet: pure JavaScript, no native build, maintained, reads the nested list<struct>
 * columns of conversations and every codec the Hugging Face hub's files use (hyparquet-compressors: snappy,
 * zstd, gzip, brotli, lz4). Only the columns asked for are read and, where the file has offset indexes
 * (hyparquet-writer writes them; pyarrow with write_page_index), each column one page at a time, each page
 * decoded once: memory holds a page of each column, whatever the row-group size. Without offset indexes a
 * whole row group is read at a time.
 */

type RowGroup = FileMetaData["row_groups"][number];

/**
 * Strings stay bytes (views into their page) until their row is read: a page's values then die young, as a
 * JSONL line's do, instead of a page of strings living on to the old generation; and they decode strictly.
 */
const KEEP_BYTES = { stringFromBytes: (bytes: Uint8Array) => bytes };
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A value with its UTF-8 bytes (strings, and those of nested lists and structs) decoded; undefined if invalid. */
function decoded(value: unknown): unknown {
  if (value instanceof Uint8Array) return utf8.decode(value);
  if (Array.isArray(value)) return value.map(decoded);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, decoded(inner)]));
  }
  return value;
}

/** The .parquet files of `path`: the file itself, or a folder's .parquet files in name order (the hub's shards). */
export function parquetFiles(path: string): string[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new UserError(`${path}: no such file or folder`);
    throw error;
  }
  if (!isFolder) return [path];
  const shards = readdirSync(path)
    .filter((name) => name.endsWith(".parquet"))
    .sort()
    .map((name) => join(path, name));
  if (shards.length === 0) throw new UserError(`${path}: a folder without .parquet files`);
  return shards;
}

function corrupt(file: string, error: unknown): UserError {
  return new UserError(`${file}: not a readable parquet file (${(error as Error).message})`);
}

async function openParquet(file: string): Promise<{ buffer: AsyncBuffer; metadata: FileMetaData }> {
  const buffer = await asyncBufferFromFile(file);
  try {
    return { buffer, metadata: await parquetMetadataAsync(buffer) };
  } catch (error) {
    throw corrupt(file, error);
  }
}

/**
 * The row ranges of a column's pages in a row group (of its first leaf, for a nested column), from its offset
 * index; the whole group when it has none.
 */
async function pageRanges(
  buffer: AsyncBuffer,
  group: RowGroup,
  groupStart: number,
  column: string,
): Promise<[number, number][]> {
  const groupEnd = groupStart + Number(group.num_rows);
  const chunk = group.columns.find((c) => c.meta_data?.path_in_schema[0] === column);
  if (chunk?.offset_index_offset === undefined || chunk.offset_index_length === undefined) {
    return [[groupStart, groupEnd]];
  }
  const start = Number(chunk.offset_index_offset);
  const bytes = await buffer.slice(start, start + chunk.offset_index_length);
  const starts = readOffsetIndex({ view: new DataView(bytes), offset: 0 }).page_locations.map(
    (page) => groupStart + Number(page.first_row_index),
  );
  return starts.map((rowStart, i) => [rowStart, starts[i + 1] ?? groupEnd]);
}

/** A column's values in a row group, a page (or the whole group) at a time. */
async function* columnValues(
  file: string,
  buffer: AsyncBuffer,
  metadata: FileMetaData,
  column: string,
  ranges: [number, number][],
): AsyncGenerator<unknown[]> {
  for (const [rowStart, rowEnd] of ranges) {
    let rows: JsonObject[];
    try {
      rows = (await parquetReadObjects({
        file: buffer,
        metadata,
        columns: [column],
        rowStart,
        rowEnd,
        useOffsetIndex: true,
        compressors,
        parsers: KEEP_BYTES,
      })) as JsonObject[];
    } catch (error) {
      throw corrupt(file, error);
    }
    yield rows.map((row) => row[column]);
  }
}

/** The rows of one row group as records of `columns`, each column streamed a page at a time. */
async function* rowGroupRecords(
  file: string,
  buffer: AsyncBuffer,
  metadata: FileMetaData,
  group: RowGroup,
  groupStart: number,
  columns: readonly string[],
): AsyncGenerator<JsonObject> {
  const streams = await Promise.all(
    columns.map(async (column) => ({
      column,
      pages: columnValues(
        file,
        buffer,
        metadata,
        column,
        await pageRanges(buffer, group, groupStart, column),
      ),
      values: [] as unknown[],
      at: 0,
    })),
  );
  for (let row = 0; row < Number(group.num_rows); row++) {
    const record: JsonObject = {};
    for (const stream of streams) {
      while (stream.at === stream.values.length) {
        const page = await stream.pages.next();
        if (page.done) throw corrupt(file, new Error(`column "${stream.column}" ends before its row group`));
        stream.values = page.value;
        stream.at = 0;
      }
      const value = stream.values[stream.at];
      stream.values[stream.at++] = undefined;
      try {
        record[stream.column] = decoded(value);
      } catch {
        throw whereError(
          rowWhere(file, groupStart + row + 1),
          `column "${stream.column}" holds bytes that are not valid UTF-8`,
        );
      }
    }
    yield record;
  }
}

/** The top-level columns of a file. */
function columnNames(metadata: FileMetaData): string[] {
  const names: string[] = [];
  const root = metadata.schema[0];
  // The schema is a depth-first list: skip each top-level column's descendants.
  let i = 1;
  for (let c = 0; c < (root.num_children ?? 0); c++) {
    names.push(metadata.schema[i].name);
    let pending = metadata.schema[i].num_children ?? 0;
    i += 1;
    while (pending > 0) {
      pending += (metadata.schema[i].num_children ?? 0) - 1;
      i += 1;
    }
  }
  return names;
}

/**
 * The rows of a parquet file or folder of shards as records of the columns wanted: `required` ones must be
 * in every file (else an error naming the file, the column and those it has), `optional` ones are read when
 * there. Rows are numbered from 1 in each file; errors name file, row and column.
 */
export async function* readParquetRecords(
  path: string,
  required: readonly string[],
  optional: readonly string[] = [],
): AsyncGenerator<{ where: Where; record: JsonObject }> {
  for (const file of parquetFiles(path)) {
    const { buffer, metadata } = await openParquet(file);
    const names = columnNames(metadata);
    for (const column of required) {
      if (!names.includes(column)) {
        throw new UserError(
          `${file}: missing column "${column}" (the file has: ${names.join(", ")}; see data.columns)`,
        );
      }
    }
    const columns = [...new Set([...required, ...optional.filter((column) => names.includes(column))])];
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      let line = groupStart;
      for await (const record of rowGroupRecords(file, buffer, metadata, group, groupStart, columns)) {
        line += 1;
        yield { where: rowWhere(file, line), record };
      }
      groupStart = groupEnd;
    }
  }
}
