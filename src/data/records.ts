import { atLine, UserError } from "../runtime/errors.js";
import type { LineRecord, PreferencePair } from "./types.js";

/** Reasons a record is dropped, the keys of `Dataset.dropped`. */
export const IDENTICAL = "identical-chosen-rejected";
export const PREFIX_MISMATCH = "prefix-mismatch";
export const EMPTY_RESPONSE = "empty-response";
export const TOO_FEW_CANDIDATES = "too-few-candidates";

/** A pair read at `line`, or a drop when chosen and rejected are the same text (it carries no preference). */
export function pairRecord(line: number, pair: PreferencePair): LineRecord<PreferencePair> {
  return pair.chosen === pair.rejected ? { line, dropped: IDENTICAL } : { line, value: pair };
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
 * Gathers the values a reader yields, up to `limit` of them, counting drops by reason. Ids must be unique.
 * A file with no records, or whose records were all dropped, is an error.
 */
export async function collectRecords<T extends { id: string }>(
  records: AsyncIterable<LineRecord<T>>,
  file: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<{ values: T[]; dropped: Record<string, number> }> {
  const values: T[] = [];
  const dropped: Record<string, number> = {};
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
    if (values.length >= limit) break;
  }
  if (values.length === 0) {
    const drops = describeDrops(dropped);
    throw new UserError(
      drops === "" ? `${file}: no records` : `${file}: every record was dropped (${drops})`,
    );
  }
  return { values, dropped };
}
