import type { DataConfig } from "../config/schema.js";
import { atLine, UserError } from "../runtime/errors.js";
import { type Where, whereError } from "./fields.js";
import type { LineRecord, PreferencePair } from "./types.js";

/** Reasons a record is dropped, the keys of `Dataset.dropped`. */
export const IDENTICAL = "identical-chosen-rejected";
export const PREFIX_MISMATCH = "prefix-mismatch";
export const EMPTY_RESPONSE = "empty-response";
export const TOO_FEW_CANDIDATES = "too-few-candidates";

/** What to do with an empty response: data.onEmptyResponse. */
export type EmptyResponsePolicy = DataConfig["onEmptyResponse"];

/** Whether a response is empty: nothing but whitespace. */
export function isEmptyResponse(text: string): boolean {
  return text.trim() === "";
}

/** The error of data.onEmptyResponse: error; `what` names the field, e.g. `field "chosen"`. */
export function emptyResponseError(where: Where, what: string): UserError {
  return whereError(
    where,
    `${what} is empty (data.onEmptyResponse is error; keep or drop would read the file)`,
  );
}

/**
 * A pair read at `where`, with data.onEmptyResponse applied to its responses (`fields` names them in
 * an error), or a drop when chosen and rejected are the same text (it carries no preference).
 */
export function pairRecord(
  where: Where,
  pair: PreferencePair,
  onEmpty: EmptyResponsePolicy,
  fields = { chosen: 'field "chosen"', rejected: 'field "rejected"' },
): LineRecord<PreferencePair> {
  const line = where.line;
  const empty = (["chosen", "rejected"] as const).filter((key) => isEmptyResponse(pair[key]));
  if (empty.length > 0 && onEmpty === "error") throw emptyResponseError(where, fields[empty[0]]);
  if (empty.length > 0 && onEmpty === "drop") return { line, dropped: EMPTY_RESPONSE };
  if (pair.chosen === pair.rejected) return { line, dropped: IDENTICAL };
  return empty.length > 0 ? { line, value: pair, empty: empty.length } : { line, value: pair };
}

/** Adds one to `dropped[reason]`. */
function countDrop(dropped: Record<string, number>, reason: string): void {
  dropped[reason] = (dropped[reason] ?? 0) + 1;
}

function describeDrops(dropped: Record<string, number>): string {
  return Object.entries(dropped)
    .map(([reason, count]) => `${reason}: ${count}`)
    .join(", ");
}

/**
 * Gathers the values a reader yields, up to `limit` of them, counting drops by reason and the empty
 * responses kept. Ids must be unique.
 * A file with no records, or whose records were all dropped, is an error.
 */
export async function collectRecords<T extends { id: string }>(
  records: AsyncIterable<LineRecord<T>>,
  file: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<{ values: T[]; dropped: Record<string, number>; emptyKept: number }> {
  const values: T[] = [];
  const dropped: Record<string, number> = {};
  let emptyKept = 0;
  const firstLine = new Map<string, number>();
  for await (const record of records) {
    if ("dropped" in record) {
      countDrop(dropped, record.dropped);
      continue;
    }
    const seen = firstLine.get(record.value.id);
    if (seen !== undefined)
      throw atLine(file, record.line, `duplicate id "${record.value.id}" (first on line ${seen})`);
    firstLine.set(record.value.id, record.line);
    values.push(record.value);
    emptyKept += record.empty ?? 0;
    if (values.length >= limit) break;
  }
  if (values.length === 0) {
    const drops = describeDrops(dropped);
    throw new UserError(
      drops === "" ? `${file}: no records` : `${file}: every record was dropped (${drops})`,
    );
  }
  return { values, dropped, emptyKept };
}

/** `description`, saying how many empty responses were kept when there were any. */
export function withEmptyKept(description: string, emptyKept: number): string {
  return emptyKept === 0 ? description : `${description}, ${emptyKept} empty response(s) kept`;
}
