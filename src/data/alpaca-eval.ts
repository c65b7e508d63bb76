import { atLine } from "../runtime/errors.js";
import { createRng, deriveSeed, permutation } from "../runtime/random.js";
import {
  arrayField,
  asObject,
  finiteNumberField,
  optionalStringField,
  parseJsonObject,
  stringField,
  type Where,
} from "./fields.js";
import { defaultId, readLines } from "./read-lines.js";
import {
  EMPTY_RESPONSE,
  type EmptyResponsePolicy,
  emptyResponseError,
  isEmptyResponse,
  TOO_FEW_CANDIDATES,
} from "./records.js";
import type { Candidate, CandidateSet, LineRecord, PreferencePair } from "./types.js";

function readCandidate(value: unknown, where: Where): Candidate {
  const record = asObject(value, where);
  const preference = finiteNumberField(record, "preference", where);
  // AlpacaEval's judged preference is a probability: anything else is a corrupt or foreign file.
  if (preference < 0 || preference > 1) {
    throw atLine(
      where.file,
      where.line,
      `field "${where.path}.preference" must be in [0, 1], got ${preference}`,
    );
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
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    const where = { file, line };
    const record = parseJsonObject(text, where);
    const id = optionalStringField(record, "id", where) ?? defaultId(file, line);
    const prompt = stringField(record, "instruction", where);
    const all = arrayField(record, "candidates", where).map((value, i) =>
      readCandidate(value, { ...where, path: `candidates[${i}]` }),
    );
    const generators = new Set<string>();
    for (const candidate of all) {
      if (generators.has(candidate.id)) throw atLine(file, line, `generator "${candidate.id}" appears twice`);
      generators.add(candidate.id);
    }
    const empty = all.findIndex((candidate) => isEmptyResponse(candidate.text));
    if (empty !== -1 && onEmpty === "error")
      throw emptyResponseError(where, `field "candidates[${empty}].output"`);
    const candidates = onEmpty === "keep" ? all : all.filter((candidate) => !isEmptyResponse(candidate.text));
    for (let i = candidates.length; i < all.length; i++) yield { line, dropped: EMPTY_RESPONSE };
    const kept = candidates.filter((candidate) => isEmptyResponse(candidate.text)).length;
    if (candidates.length < 2) yield { line, dropped: TOO_FEW_CANDIDATES };
    else yield { line, value: { id, prompt, candidates }, ...(kept > 0 ? { empty: kept } : {}) };
  }
}

/** The index pairs (i, j), i < j, whose rewards differ by at least `minGap` (and at all) and whose texts differ. */
export function eligiblePairs(rewards: number[], texts: string[], minGap: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < rewards.length; i++) {
    for (let j = i + 1; j < rewards.length; j++) {
      const gap = Math.abs(rewards[i] - rewards[j]);
      if (gap > 0 && gap >= minGap && texts[i] !== texts[j]) pairs.push([i, j]);
    }
  }
  return pairs;
}

function trueRewards(set: CandidateSet): number[] {
  return set.candidates.map((candidate) => {
    if (candidate.trueReward === undefined)
      throw new Error(`candidate set ${set.id}: ${candidate.id} has no true reward`);
    return candidate.trueReward;
  });
}

/**
 * Training pairs from candidate sets: per set, up to `pairsPerSet` distinct eligible pairs drawn without
 * replacement, the higher true reward chosen. Each set draws from its own seed, so a set's pairs do not depend
 * on which other sets were read.
 */
export function drawCandidatePairs(
  sets: CandidateSet[],
  pairsPerSet: number,
  minGap: number,
  seed: number,
): PreferencePair[] {
  const pairs: PreferencePair[] = [];
  for (const set of sets) {
    const rewards = trueRewards(set);
    const eligible = eligiblePairs(
      rewards,
      set.candidates.map((candidate) => candidate.text),
      minGap,
    );
    const order = permutation(eligible.length, createRng(deriveSeed(seed, "candidate-pairs", set.id)));
    for (const index of order.slice(0, pairsPerSet)) {
      const [i, j] = eligible[index];
      const [chosen, rejected] = rewards[i] > rewards[j] ? [i, j] : [j, i];
      pairs.push({
        id: `${set.id}:${set.candidates[chosen].id}>${set.candidates[rejected].id}`,
        prompt: set.prompt,
        chosen: set.candidates[chosen].text,
        rejected: set.candidates[rejected].text,
      });
    }
  }
  return pairs;
}
