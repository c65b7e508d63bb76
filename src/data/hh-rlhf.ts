import { atLine } from "../runtime/errors.js";
import { parseJsonObject, stringField } from "./fields.js";
import { defaultId, readLines } from "./read-lines.js";
import { EMPTY_RESPONSE, PREFIX_MISMATCH, pairRecord } from "./records.js";
import type { LineRecord, PreferencePair } from "./types.js";

const ASSISTANT = "\n\nAssistant:";

/**
 * Splits HH-RLHF transcripts into a pair: the prompt is chosen's text up to and including its last
 * "\n\nAssistant:", the responses are what follows it (trimmed) in each transcript. Returns the reason to drop
 * the pair when rejected does not share that prefix or a response is empty: the published files hold a few of
 * each (helpful-base test: 2 and 4), which a user cannot fix. Undefined when chosen has no such marker.
 */
export function splitTranscripts(
  chosen: string,
  rejected: string,
): { prompt: string; chosen: string; rejected: string } | { dropped: string } | undefined {
  const marker = chosen.lastIndexOf(ASSISTANT);
  if (marker === -1) return undefined;
  const prompt = chosen.slice(0, marker + ASSISTANT.length);
  if (!rejected.startsWith(prompt)) return { dropped: PREFIX_MISMATCH };
  const responses = {
    chosen: chosen.slice(prompt.length).trim(),
    rejected: rejected.slice(prompt.length).trim(),
  };
  if (responses.chosen === "" || responses.rejected === "") return { dropped: EMPTY_RESPONSE };
  return { prompt, ...responses };
}

/** Pairs from HH-RLHF lines `{chosen: TRANSCRIPT, rejected: TRANSCRIPT}` (.jsonl or .jsonl.gz). */
export async function* readHhRlhfPairs(file: string): AsyncGenerator<LineRecord<PreferencePair>> {
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    const where = { file, line };
    const record = parseJsonObject(text, where);
    const split = splitTranscripts(
      stringField(record, "chosen", where),
      stringField(record, "rejected", where),
    );
    if (split === undefined) throw atLine(file, line, 'field "chosen" has no "\\n\\nAssistant:" turn');
    if ("dropped" in split) yield { line, dropped: split.dropped };
    else yield pairRecord(line, { id: defaultId(file, line), ...split });
  }
}
