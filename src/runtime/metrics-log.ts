import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "./files.js";

/**
 * A stage's live metrics: one JSON object a line in `<stage>/metrics.jsonl`, appended as the figures
 * come (`tail -F` follows a run), then rewritten in a fixed order when the stage ends, so that the
 * finished file is deterministic. Records hold no timings.
 */
export function appendMetrics(file: string, record: Record<string, unknown>): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/** Replaces the live file with the stage's records in their canonical order. */
export function rewriteMetrics(file: string, records: Record<string, unknown>[]): void {
  writeFileAtomic(file, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
}
