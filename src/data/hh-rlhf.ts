import { readJsonlPairs } from "./jsonl.js";
import type { EmptyResponsePolicy } from "./records.js";
import type { LineRecord, PreferencePair } from "./types.js";

export { splitTranscripts } from "./conversation.js";

/**
 * Pairs from HH-RLHF lines `{chosen: TRANSCRIPT, rejected: TRANSCRIPT}` (.jsonl or .jsonl.gz): TRL's
 * implicit-prompt format, split by splitTranscripts, ids `<basename>:<line>`; an empty final turn as
 * `onEmpty` says (data.onEmptyResponse).
 */
export function readHhRlhfPairs(
  file: string,
  onEmpty: EmptyResponsePolicy,
): AsyncGenerator<LineRecord<PreferencePair>> {
  return readJsonlPairs(file, onEmpty, "implicit-prompt");
}
