import { atLine } from "../runtime/errors.js";
import { parseJsonObject, stringField } from "./fields.js";
import { defaultId, readLines } from "./read-lines.js";
import { type EmptyResponsePolicy, PREFIX_MISMATCH, pairRecord } from "./records.js";
import type { LineRecord, PreferencePair } from "./types.js";

const ASSISTANT = "\n\nAssistant:";

/**
 * Splits HH-RLHF transcripts into a pair: the prompt is chosen's text up to and including its last
 * "\n\nAssistant:", the responses are what follows it (trimmed) in each transcript (an empty final turn gives
 * an empty response, for data.onEmptyResponse: helpful-base test holds 4). Returns the reason to drop the pair
 * when rejected does not share that prefix: the published files hold a few (helpful-base test: 2), which a
 * user cannot fix. Undefined when chosen has no such marker.
 */
export function splitTranscripts(
  chosen: string,
  rejected: string,
): { prompt: string; chosen: string; rejected: string } | { dropped: string } | undefined {
  const marker = chosen.lastIndexOf(ASSISTANT);
  if (marker === -1) return undefined;
  const prompt = chosen.slice(0, marker + ASSISTANT.length);
  if (!rejected.startsWith(prompt)) return { dropped: PREFIX_MISMATCH };
  return {
    prompt,
    chosen: chosen.slice(prompt.length).trim(),
    rejected: rejected.slice(prompt.length).trim(),
  };
}

/**
 * Pairs from HH-RLHF lines `{chosen: TRANSCRIPT, rejected: TRANSCRIPT}` (.jsonl or .jsonl.gz); an empty final
 * turn as `onEmpty` says (data.onEmptyResponse).
 */
export async function* readHhRlhfPairs(
  file: string,
  onEmpty: EmptyResponsePolicy,
): AsyncGenerator<LineRecord<PreferencePair>> {
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
    else {
      const fields = { chosen: 'the final turn of "chosen"', rejected: 'the final turn of "rejected"' };
      yield pairRecord(where, { id: defaultId(file, line), ...split }, onEmpty, fields);
    }
  }
}
