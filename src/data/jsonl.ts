import type { DataConfig } from "../config/schema.js";
import { type JsonObject, parseJsonObject, type Where } from "./fields.js";
import { type PairLayout, pairsFromRecords } from "./pair-formats.js";
import { readLines } from "./read-lines.js";
import type { EmptyResponsePolicy } from "./records.js";
import type { LineRecord, PreferencePair } from "./types.js";

const DEFAULT_COLUMNS: PairLayout["columns"] = {
  prompt: "prompt",
  chosen: "chosen",
  rejected: "rejected",
  completions: "completions",
};

/** The JSON objects of a .jsonl or .jsonl.gz file, one a line; blank lines are skipped. */
export async function* readJsonRecords(file: string): AsyncGenerator<{ where: Where; record: JsonObject }> {
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    const where = { file, line };
    yield { where, record: parseJsonObject(text, where) };
  }
}

/**
 * Pairs, one JSON object a line (.jsonl or .jsonl.gz), in `format` (data.format; standard:
 * `{id?, prompt, chosen, rejected}`), the fields named by `columns` (data.columns); empty responses as
 * `onEmpty` says (data.onEmptyResponse).
 */
export function readJsonlPairs(
  file: string,
  onEmpty: EmptyResponsePolicy,
  format: DataConfig["format"] = "standard",
  columns: PairLayout["columns"] = DEFAULT_COLUMNS,
): AsyncGenerator<LineRecord<PreferencePair>> {
  return pairsFromRecords(readJsonRecords(file), format, { columns, idFallback: "id" }, onEmpty);
}
