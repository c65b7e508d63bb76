import { pipeline, Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import type { DataConfig } from "../config/schema.js";
import { atLine, UserError } from "../runtime/errors.js";
import { defaultId, readLines } from "./read-lines.js";
import { type EmptyResponsePolicy, pairRecord } from "./records.js";
import type { LineRecord, PreferencePair } from "./types.js";

export type CsvColumns = Pick<DataConfig["columns"], "id" | "prompt" | "chosen" | "rejected">;

/**
 * The file's lines, re-joined with "\n": csv-parse sees strictly decoded UTF-8 and counts lines as the file
 * does (a CRLF inside a quoted field becomes LF).
 */
async function* decodedText(file: string): AsyncGenerator<string> {
  for await (const { text } of readLines(file)) yield `${text}\n`;
}

function checkHeader(header: string[], columns: CsvColumns, file: string): string[] {
  const wanted = [columns.id, columns.prompt, columns.chosen, columns.rejected];
  for (const column of wanted) {
    if (column === undefined) continue;
    if (!header.includes(column)) {
      throw new UserError(
        `${file}: missing column "${column}" (the header has: ${header.join(", ")}; see data.columns)`,
      );
    }
    if (header.indexOf(column) !== header.lastIndexOf(column)) {
      throw new UserError(`${file}: column "${column}" appears twice in the header`);
    }
  }
  return header;
}

function describeCsvError(error: CsvError, file: string): UserError {
  const line = (error as CsvError & { lines?: number }).lines;
  const ragged =
    error.code === "CSV_RECORD_INCONSISTENT_COLUMNS" ||
    error.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH";
  const reason = ragged ? `ragged row: ${error.message}` : error.message;
  return line === undefined ? new UserError(`${file}: ${reason}`) : atLine(file, line, reason);
}

/**
 * Pairs from a CSV file with a header row; `columns` (config data.columns) names the columns of each field;
 * an empty response as `onEmpty` says (data.onEmptyResponse), any other empty field is an error.
 */
export async function* readCsvPairs(
  file: string,
  columns: CsvColumns,
  onEmpty: EmptyResponsePolicy,
): AsyncGenerator<LineRecord<PreferencePair>> {
  const parser = parse({
    columns: (header: string[]) => checkHeader(header, columns, file),
    info: true,
    bom: true,
    skip_empty_lines: true,
  });
  pipeline(Readable.from(decodedText(file)), parser, () => {});
  const field = (row: Record<string, string>, column: string, line: number): string => {
    const value = row[column];
    if (value.trim() === "") throw atLine(file, line, `column "${column}" is empty`);
    return value;
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const line = info.lines;
      const pair = {
        id: columns.id === undefined ? defaultId(file, line) : field(record, columns.id, line),
        prompt: field(record, columns.prompt, line),
        chosen: record[columns.chosen],
        rejected: record[columns.rejected],
      };
      yield pairRecord({ file, line }, pair, onEmpty, {
        chosen: `column "${columns.chosen}"`,
        rejected: `column "${columns.rejected}"`,
      });
    }
  } catch (error) {
    throw error instanceof CsvError ? describeCsvError(error, file) : error;
  } finally {
    parser.destroy();
  }
}
