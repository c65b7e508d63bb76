import { optionalStringField, parseJsonObject, stringField } from "./fields.js";
import { defaultId, readLines } from "./read-lines.js";
import { type EmptyResponsePolicy, pairRecord } from "./records.js";
import type { LineRecord, PreferencePair } from "./types.js";

/**
 * Pairs `{id?, prompt, chosen, rejected}`, one JSON object a line (.jsonl or .jsonl.gz); blank lines are
 * skipped; empty responses as `onEmpty` says (data.onEmptyResponse).
 */
export async function* readJsonlPairs(
  file: string,
  onEmpty: EmptyResponsePolicy,
): AsyncGenerator<LineRecord<PreferencePair>> {
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    const where = { file, line };
    const record = parseJsonObject(text, where);
    const pair = {
      id: optionalStringField(record, "id", where) ?? defaultId(file, line),
      prompt: stringField(record, "prompt", where),
      chosen: stringField(record, "chosen", where, false),
      rejected: stringField(record, "rejected", where, false),
    };
    yield pairRecord(where, pair, onEmpty);
  }
}
