import type { DataConfig } from "../config/schema.js";
import { candidateSetRecords } from "./candidate-sets.js";
import {
  arrayField,
  asObject,
  describeField,
  finiteNumberField,
  idField,
  type JsonObject,
  stringField,
  type Where,
} from "./fields.js";
import { defaultId } from "./read-lines.js";
import type { EmptyResponsePolicy } from "./records.js";
import type { Candidate, CandidateSet, LineRecord } from "./types.js";

export interface RatedLayout {
  columns: DataConfig["columns"];
  completion: DataConfig["completion"];
}

function readCompletion(
  value: unknown,
  index: number,
  keys: RatedLayout["completion"],
  where: Where,
): Candidate {
  const record = asObject(value, where);
  return {
    id: keys.id === undefined ? `c${index}` : idField(record, keys.id, where),
    text: stringField(record, keys.text, where, false),
    trueReward: finiteNumberField(record, keys.score, where),
  };
}

/**
 * A prompt's rated completions as a candidate set: `{prompt, completions: [{text, score}]}` by default, or
 * UltraFeedback's `{instruction, completions: [{model, response, overall_score}]}` with data.columns and
 * data.completion naming those keys. The rating is the candidate's true reward; empty texts as `onEmpty` says.
 */
export function ratedSetRecords(
  record: JsonObject,
  where: Where,
  layout: RatedLayout,
  onEmpty: EmptyResponsePolicy,
): LineRecord<CandidateSet>[] {
  const { columns, completion } = layout;
  const id =
    columns.id === undefined ? defaultId(where.file, where.line) : idField(record, columns.id, where);
  const prompt = stringField(record, columns.prompt, where);
  const list = columns.completions;
  const candidates = arrayField(record, list, where).map((value, i) =>
    readCompletion(value, i, completion, { ...where, path: `${list}[${i}]` }),
  );
  return candidateSetRecords(where, { id, prompt, candidates }, onEmpty, {
    id: `completion ${completion.id ?? "id"}`,
    text: (i) => describeField(completion.text, { ...where, path: `${list}[${i}]` }),
  });
}

/** Candidate sets from records of rated completions (data.format rated). */
export async function* ratedSetsFromRecords(
  records: AsyncIterable<{ where: Where; record: JsonObject }>,
  layout: RatedLayout,
  onEmpty: EmptyResponsePolicy,
): AsyncGenerator<LineRecord<CandidateSet>> {
  for await (const { where, record } of records) yield* ratedSetRecords(record, where, layout, onEmpty);
}
