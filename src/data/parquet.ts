import { readdirSync, statSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { join } from "node:path";
import {
  type AsyncBuffer,
  type Compressors,
  type FileMetaData,
  parquetMetadataAsync,
  parquetRead,
  readOffsetIndex,
} from "hyparquet";
import { UserError } from "../runtime/errors.js";
import { type JsonObject, type Where, whereError } from "./fields.js";

/** Where a parquet row is: errors say `file: row N: column "x"`. */
function rowWhere(file: string, line: number): Where {
  return { file, line, unit: "row", noun: "column" };
}

/**
 * Parquet through hyparquet: pure JavaScript, no native build, maintained, reads the nested list<struct>
 * columns of conversations and every codec the Hugging Face hub's files use (snappy built in; zstd, gzip,
 * brotli, lz4 from hyparquet-compressors, loaded only for a file that needs them: it costs ~10 MB of memory).
 * Only the columns asked for are read and, where the file has offset indexes (hyparquet-writer writes them;
 * pyarrow with write_page_index), each column one page at a time, each page decoded once: memory holds a
 * page of each column, whatever the row-group size. Without offset indexes, a row group at a time.
 */

type RowGroup = FileMetaData["row_groups"][number];

/**
 * Strings stay bytes (views into their page) until their row is read, then decode strictly: a byte that is
 * not UTF-8 is an error naming its row and column (hyparquet's own decoder would replace it silently).
 */
const KEEP_BYTES = { stringFromBytes: (bytes: Uint8Array) => bytes };
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A value with its UTF-8 bytes (strings, and those in nested lists and structs) decoded; throws on bad bytes. */
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

/**
 * A file as hyparquet reads it: each slice one read into a buffer of its own size (hyparquet's
 * asyncBufferFromFile opens a stream per slice and copies its chunks: more garbage per page).
 */
function fileBuffer(handle: FileHandle, byteLength: number): AsyncBuffer {
  return {
    byteLength,
    async slice(start: number, end = byteLength): Promise<ArrayBuffer> {
      const bytes = Buffer.allocUnsafeSlow(end - start);
      const { bytesRead } = await handle.read(bytes, 0, end - start, start);
      if (bytesRead !== end - start) throw new Error(`read ${bytesRead} of ${end - start} bytes at ${start}`);
      return bytes.buffer as ArrayBuffer;
    },
  };
}

/** The decompressors a file's column chunks need beyond snappy's. */
async function compressorsFor(metadata: FileMetaData): Promise<Compressors | undefined> {
  const builtIn = new Set(["UNCOMPRESSED", "SNAPPY"]);
  const codecs = metadata.row_groups.flatMap((group) => group.columns.map((chunk) => chunk.meta_data?.codec));
  if (codecs.every((codec) => codec === undefined || builtIn.has(codec))) return undefined;
  return (await import("hyparquet-compressors")).compressors;
}

interface OpenParquet {
  buffer: AsyncBuffer;
  metadata: FileMetaData;
  compressors?: Compressors;
}

async function openParquet(file: string, handle: FileHandle): Promise<OpenParquet> {
  const buffer = fileBuffer(handle, (await handle.stat()).size);
  try {
    const metadata = await parquetMetadataAsync(buffer);
    return { buffer, metadata, compressors: await compressorsFor(metadata) };
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

/** A page's values, read row by row: `take(i)` hands value i over (it is not kept for another read). */
interface Page {
  length: number;
  take(i: number): unknown;
}

/**
 * Pages of byte strings, each packed into one buffer with its values' end offsets; the buffers are reused
 * from page to page of a column (a page is read only once its predecessor's rows are). Kept as hyparquet
 * gives them (a view per value into the decompressed page), a page's ~8,000 views outlive a few
 * young-generation collections while its rows are read, so V8 promotes them, and with them holds the
 * decompressed page, until a full collection; packed, each row's view dies young and no page leaves a
 * buffer behind.
 */
function pagePacker(): (values: Uint8Array[]) => Page {
  let bytes = new Uint8Array(0);
  let ends = new Int32Array(0);
  return (values) => {
    if (ends.length < values.length + 1) ends = new Int32Array(2 * (values.length + 1));
    for (let i = 0; i < values.length; i++) ends[i + 1] = ends[i] + values[i].length;
    const size = ends[values.length];
    if (bytes.length < size) bytes = new Uint8Array(2 * size);
    for (let i = 0; i < values.length; i++) bytes.set(values[i], ends[i]);
    const page = { bytes, ends };
    return { length: values.length, take: (i) => page.bytes.subarray(page.ends[i], page.ends[i + 1]) };
  };
}

function listPage(values: unknown[]): Page {
  return {
    length: values.length,
    take(i) {
      const value = values[i];
      values[i] = undefined;
      return value;
    },
  };
}

/**
 * A column's values in a row group, a page (or the whole group) at a time. Taken column-wise (onChunk):
 * hyparquet's rows (onComplete) would be one more array per row.
 */
async function* columnPages(
  file: string,
  parquet: OpenParquet,
  column: string,
  ranges: [number, number][],
): AsyncGenerator<Page> {
  const packed = pagePacker();
  for (const [rowStart, rowEnd] of ranges) {
    const values: unknown[] = [];
    try {
      await parquetRead({
        file: parquet.buffer,
        metadata: parquet.metadata,
        compressors: parquet.compressors,
        columns: [column],
        rowStart,
        rowEnd,
        useOffsetIndex: true,
        parsers: KEEP_BYTES,
        onChunk: ({ columnData, rowStart: chunkStart, rowEnd: chunkEnd }) => {
          for (let row = Math.max(rowStart, chunkStart); row < Math.min(rowEnd, chunkEnd); row++) {
            values.push(columnData[row - chunkStart]);
          }
        },
      });
    } catch (error) {
      throw corrupt(file, error);
    }
    if (values.length !== rowEnd - rowStart) {
      throw corrupt(
        file,
        new Error(`column "${column}" holds ${values.length} of rows ${rowStart}-${rowEnd}`),
      );
    }
    const strings = values.every((value) => value instanceof Uint8Array);
    yield strings ? packed(values as Uint8Array[]) : listPage(values);
  }
}

/** The rows of one row group as records of `columns`, each column streamed a page at a time. */
async function* rowGroupRecords(
  file: string,
  parquet: OpenParquet,
  group: RowGroup,
  groupStart: number,
  columns: readonly string[],
): AsyncGenerator<JsonObject> {
  const noPage: Page = { length: 0, take: () => undefined };
  const streams = await Promise.all(
    columns.map(async (column) => ({
      column,
      pages: columnPages(file, parquet, column, await pageRanges(parquet.buffer, group, groupStart, column)),
      page: noPage,
      at: 0,
    })),
  );
  for (let row = 0; row < Number(group.num_rows); row++) {
    const record: JsonObject = {};
    for (const stream of streams) {
      while (stream.at === stream.page.length) {
        // The finished page goes before the next is read: memory holds one page of the column.
        stream.page = noPage;
        const next = await stream.pages.next();
        if (next.done) throw corrupt(file, new Error(`column "${stream.column}" ends before its row group`));
        stream.page = next.value;
        stream.at = 0;
      }
      const value = stream.page.take(stream.at++);
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
    const handle = await openFile(file);
    try {
      yield* fileRecords(file, await openParquet(file, handle), required, optional);
    } finally {
      await handle.close();
    }
  }
}

async function openFile(file: string): Promise<FileHandle> {
  try {
    return await open(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES") throw new UserError(`${file}: permission denied`);
    throw error;
  }
}

/** The records of one open parquet file; see readParquetRecords. */
async function* fileRecords(
  file: string,
  parquet: OpenParquet,
  required: readonly string[],
  optional: readonly string[],
): AsyncGenerator<{ where: Where; record: JsonObject }> {
  const { metadata } = parquet;
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
    for await (const record of rowGroupRecords(file, parquet, group, groupStart, columns)) {
      line += 1;
      yield { where: rowWhere(file, line), record };
    }
    groupStart = groupEnd;
  }
}
