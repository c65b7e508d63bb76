import { candidateSetRecords } from "./candidate-sets.js";
import {
  arrayField,
  asObject,
  finiteNumberField,
  optionalStringField,
  stringField,
  type Where,
  whereError,
} from "./fields.js";
import { readJsonRecords } from "./jsonl.js";
import { defaultId } from "./read-lines.js";
import type { EmptyResponsePolicy } from "./records.js";
import type { Candidate, CandidateSet, LineRecord } from "./types.js";

function readCandidate(value: unknown, where: Where): Candidate {
  const record = asObject(value, where);
  const preference = finiteNumberField(record, "preference", where);
  // AlpacaEval's judged preference is a probability: anything else is a corrupt or foreign file.
  if (preference < 0 || preference > 1) {
    throw whereError(where, `field "${where.path}.preference" must be in [0, 1], got ${preference}`);
  }
  return {
    id: stringField(record, "generator", where),
    text: stringField(record, "output", where, false),
    trueReward: preference,
  };
}

/**
 * Candidate sets from AlpacaEval lines `{id, instruction, candidates: [{generator, output, preference}]}`:
 * candidate id = generator, text = output, true reward = the judged preference (in [0, 1]). Empty outputs (a
 * few models answered nothing) as `onEmpty` says (data.onEmptyResponse): kept as candidates, or dropped as
 * "empty-response"; a set left with fewer than two candidates is dropped.
 */
export async function* readAlpacaEvalSets(
  file: string,
  onEmpty: EmptyResponsePolicy,
): AsyncGenerator<LineRecord<CandidateSet>> {
  for await (const { where, record } of readJsonRecords(file)) {
    const id = optionalStringField(record, "id", where) ?? defaultId(file, where.line);
    const prompt = stringField(record, "instruction", where);
    const candidates = arrayField(record, "candidates", where).map((value, i) =>
      readCandidate(value, { ...where, path: `candidates[${i}]` }),
    );
    yield* candidateSetRecords(where, { id, prompt, candidates }, onEmpty, {
      id: "generator",
      text: (i) => `field "candidates[${i}].output"`,
    });
  }
}
