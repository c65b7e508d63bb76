import { readdirSync, statSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { join } from "node:path";
import {
  type AsyncBuffer,
  type ColumnChunk,
  type Compressors,
  type FileMetaData,
  type OffsetIndex,
  parquetMetadataAsync,
  parquetRead,
  readOffsetIndex,
  type SchemaElement,
} from "hyparquet";
import { UserError } from "../runtime/errors.js";
import { type JsonObject, type Where, whereError } from "./fields.js";
import {
  isFlatStringColumn,
  type Page,
  type PageArrays,
  pageArrays,
  type ReadInto,
  strictUtf8,
  stringColumnPages,
} from "./parquet-strings.js";

/** Where a parquet row is: errors say `file: row N: column "x"`. */
function rowWhere(file: string, line: number): Where {
  return { file, line, unit: "row", noun: "column" };
}

/**
 * Parquet through hyparquet: pure JavaScript, no native build, maintained, reads the nested list<struct>
 * columns of conversations and every codec the Hugging Face hub's files use (snappy built in; zstd, gzip,
 * brotli, lz4 from hyparquet-compressors, loaded only for a file that needs them: it costs ~10 MB of memory).
 * Flat string columns, most of what preference data holds, are laid out from their pages by
 * parquet-strings.ts. Only the columns asked for are read and, where the file has offset indexes
 * (hyparquet-writer writes them; pyarrow with write_page_index), each column one page at a time: memory
 * holds a page of each column, whatever the row-group size. Without offset indexes, a row group at a time.
 */

type RowGroup = FileMetaData["row_groups"][number];

/**
 * Strings stay bytes (views into their page) until their row is read, then decode strictly: a byte that is
 * not UTF-8 is an error naming its row and column (hyparquet's own decoder would replace it silently).
 */
const KEEP_BYTES = { stringFromBytes: (bytes: Uint8Array) => bytes };

/** A value with its UTF-8 bytes (strings, and those in nested lists and structs) decoded; throws on bad bytes. */
function decoded(value: unknown): unknown {
  if (value instanceof Uint8Array) return strictUtf8.decode(value);
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

/** Reads of the open file into a caller's buffer. */
function fileReader(handle: FileHandle): ReadInto {
  return async (into, position) => {
    const { bytesRead } = await handle.read(into, 0, into.length, position);
    if (bytesRead !== into.length)
      throw new Error(`read ${bytesRead} of ${into.length} bytes at ${position}`);
  };
}

/**
 * A file as hyparquet reads it: each slice one read into a buffer of its own size (hyparquet's
 * asyncBufferFromFile opens a stream per slice and copies its chunks: more garbage per page).
 */
function fileBuffer(read: ReadInto, byteLength: number): AsyncBuffer {
  return {
    byteLength,
    async slice(start: number, end = byteLength): Promise<ArrayBuffer> {
      const bytes = new Uint8Array(end - start);
      await read(bytes, start);
      return bytes.buffer;
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
  read: ReadInto;
  buffer: AsyncBuffer;
  metadata: FileMetaData;
  compressors?: Compressors;
}

async function openParquet(file: string, handle: FileHandle): Promise<OpenParquet> {
  const read = fileReader(handle);
  const buffer = fileBuffer(read, (await handle.stat()).size);
  try {
    const metadata = await parquetMetadataAsync(buffer);
    return { read, buffer, metadata, compressors: await compressorsFor(metadata) };
  } catch (error) {
    throw corrupt(file, error);
  }
}

type PageLocations = OffsetIndex["page_locations"];

/** The page locations of a column chunk, from its offset index; undefined when the file has none. */
async function pageLocations(buffer: AsyncBuffer, chunk: ColumnChunk): Promise<PageLocations | undefined> {
  if (chunk.offset_index_offset === undefined || chunk.offset_index_length === undefined) return undefined;
  const start = Number(chunk.offset_index_offset);
  const bytes = await buffer.slice(start, start + chunk.offset_index_length);
  return readOffsetIndex({ view: new DataView(bytes), offset: 0 }).page_locations;
}

/** The row ranges of a column's pages in a row group; the whole group without page locations. */
function pageRanges(
  locations: PageLocations | undefined,
  groupStart: number,
  groupEnd: number,
): [number, number][] {
  if (!locations) return [[groupStart, groupEnd]];
  const starts = locations.map((page) => groupStart + Number(page.first_row_index));
  return starts.map((rowStart, i) => [rowStart, starts[i + 1] ?? groupEnd]);
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
 * A column's values in a row group through hyparquet (nested and non-string columns), a page (or the whole
 * group) at a time. Taken column-wise (onChunk): hyparquet's rows (onComplete) would be one more array per row.
 */
async function* hyparquetPages(
  file: string,
  parquet: OpenParquet,
  column: string,
  ranges: [number, number][],
): AsyncGenerator<Page> {
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
    yield listPage(values);
  }
}

/** A column's pages in a row group: flat strings straight from their pages, other columns through hyparquet. */
async function* columnPages(
  file: string,
  parquet: OpenParquet,
  { element, arrays }: FileColumn,
  group: RowGroup,
  groupStart: number,
): AsyncGenerator<Page> {
  const column = element.name;
  const chunk = group.columns.find((c) => c.meta_data?.path_in_schema[0] === column);
  if (!chunk) throw corrupt(file, new Error(`no chunk of column "${column}" in a row group`));
  const rows = Number(group.num_rows);
  let locations: PageLocations | undefined;
  try {
    locations = await pageLocations(parquet.buffer, chunk);
  } catch (error) {
    throw corrupt(file, error);
  }
  if (!isFlatStringColumn(element, chunk)) {
    yield* hyparquetPages(file, parquet, column, pageRanges(locations, groupStart, groupStart + rows));
    return;
  }
  try {
    yield* stringColumnPages(parquet.read, element, chunk, rows, locations, parquet.compressors, arrays);
  } catch (error) {
    throw corrupt(file, error);
  }
}

/** A column read from a file, with the arrays its pages are laid out in (reused from row group to row group). */
interface FileColumn {
  element: SchemaElement;
  arrays: PageArrays;
}

/** The top-level columns of a file, by name. */
function topLevelColumns(metadata: FileMetaData): Map<string, SchemaElement> {
  const columns = new Map<string, SchemaElement>();
  const root = metadata.schema[0];
  // The schema is a depth-first list: skip each top-level column's descendants.
  let i = 1;
  for (let c = 0; c < (root.num_children ?? 0); c++) {
    columns.set(metadata.schema[i].name, metadata.schema[i]);
    let pending = metadata.schema[i].num_children ?? 0;
    i += 1;
    while (pending > 0) {
      pending += (metadata.schema[i].num_children ?? 0) - 1;
      i += 1;
    }
  }
  return columns;
}

/** The columns of `file` to read: `required` ones must be there, `optional` ones are read when they are. */
function fileColumns(
  file: string,
  metadata: FileMetaData,
  required: readonly string[],
  optional: readonly string[],
): FileColumn[] {
  const inFile = topLevelColumns(metadata);
  for (const column of required) {
    if (!inFile.has(column)) {
      throw new UserError(
        `${file}: missing column "${column}" (the file has: ${[...inFile.keys()].join(", ")}; see data.columns)`,
      );
    }
  }
  return [...new Set([...required, ...optional])].flatMap((name) => {
    const element = inFile.get(name);
    return element ? [{ element, arrays: pageArrays() }] : [];
  });
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

/**
 * The rows of a parquet file or folder of shards as records of the columns wanted: `required` ones must be
 * in every file (else an error naming the file, the column and those it has), `optional` ones are read when
 * there. Rows are numbered from 1 in each file; errors name file, row and column. Each column is streamed a
 * page at a time; a row awaits only where a column's page ends (one async step a row, as JSONL's lines).
 */
export async function* readParquetRecords(
  path: string,
  required: readonly string[],
  optional: readonly string[] = [],
): AsyncGenerator<{ where: Where; record: JsonObject }> {
  const noPage: Page = { length: 0, take: () => undefined };
  for (const file of parquetFiles(path)) {
    const handle = await openFile(file);
    try {
      const parquet = await openParquet(file, handle);
      const columns = fileColumns(file, parquet.metadata, required, optional);
      let groupStart = 0;
      for (const group of parquet.metadata.row_groups) {
        const streams = columns.map((column) => ({
          column: column.element.name,
          pages: columnPages(file, parquet, column, group, groupStart),
          page: noPage,
          at: 0,
        }));
        for (let row = 0; row < Number(group.num_rows); row++) {
          const where = rowWhere(file, groupStart + row + 1);
          const record: JsonObject = {};
          for (const stream of streams) {
            while (stream.at === stream.page.length) {
              // The finished page goes before the next is read: memory holds one page of the column.
              stream.page = noPage;
              const next = await stream.pages.next();
              if (next.done)
                throw corrupt(file, new Error(`column "${stream.column}" ends before its row group`));
              stream.page = next.value;
              stream.at = 0;
            }
            try {
              record[stream.column] = decoded(stream.page.take(stream.at++));
            } catch {
              throw whereError(where, `column "${stream.column}" holds bytes that are not valid UTF-8`);
            }
          }
          yield { where, record };
        }
        groupStart += Number(group.num_rows);
      }
    } finally {
      await handle.close();
    }
  }
}
