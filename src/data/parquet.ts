import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  type AsyncBuffer,
  asyncBufferFromFile,
  type FileMetaData,
  parquetMetadataAsync,
  parquetReadObjects,
} from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { UserError } from "../runtime/errors.js";
import type { JsonObject, Where } from "./fields.js";

/**
 * Parquet through hyparquet: pure JavaScript, no native build, maintained, reads the nested list<struct>
 * columns of conversations and every codec the Hugging Face hub's files use (hyparquet-compressors: snappy,
 * zstd, gzip, brotli, lz4). Rows are read one row group at a time and only the columns asked for, so memory
 * holds one row group of those columns, whatever the file's size.
 */

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
      const rowEnd = groupStart + Number(group.num_rows);
      let rows: JsonObject[];
      try {
        rows = (await parquetReadObjects({
          file: buffer,
          metadata,
          columns,
          rowStart: groupStart,
          rowEnd,
          compressors,
        })) as JsonObject[];
      } catch (error) {
        throw corrupt(file, error);
      }
      for (let i = 0; i < rows.length; i++) {
        yield { where: { file, line: groupStart + i + 1, unit: "row", noun: "column" }, record: rows[i] };
      }
      groupStart = rowEnd;
    }
  }
}
