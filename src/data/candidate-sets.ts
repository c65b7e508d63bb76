import { createRng, deriveSeed, permutation } from "../runtime/random.js";
import { type Where, whereError } from "./fields.js";
import {
  EMPTY_RESPONSE,
  type EmptyResponsePolicy,
  emptyResponseError,
  isEmptyResponse,
  TOO_FEW_CANDIDATES,
} from "./records.js";
import type { CandidateSet, LineRecord, PreferencePair } from "./types.js";

/**
 * The records of one candidate set read at `where` (AlpacaEval's, or a prompt's rated completions): candidate
 * ids must be unique (`names.id` names them in the error); empty texts as `onEmpty` says (data.onEmptyResponse;
 * `names.text(i)` names candidate i's text in the error): kept, or each dropped as "empty-response"; a set left with fewer than two candidates is
 * dropped as "too-few-candidates".
 */
export function candidateSetRecords(
  where: Where,
  set: CandidateSet,
  onEmpty: EmptyResponsePolicy,
  names: { id: string; text: (index: number) => string },
): LineRecord<CandidateSet>[] {
  const { line } = where;
  const all = set.candidates;
  const ids = new Set<string>();
  for (const candidate of all) {
    if (ids.has(candidate.id)) throw whereError(where, `${names.id} "${candidate.id}" appears twice`);
    ids.add(candidate.id);
  }
  const empty = all.findIndex((candidate) => isEmptyResponse(candidate.text));
  if (empty !== -1 && onEmpty === "error") throw emptyResponseError(where, names.text(empty));
  const candidates = onEmpty === "keep" ? all : all.filter((candidate) => !isEmptyResponse(candidate.text));
  const records: LineRecord<CandidateSet>[] = [];
  for (let i = candidates.length; i < all.length; i++) records.push({ line, dropped: EMPTY_RESPONSE });
  const kept = candidates.filter((candidate) => isEmptyResponse(candidate.text)).length;
  if (candidates.length < 2) records.push({ line, dropped: TOO_FEW_CANDIDATES });
  else records.push({ line, value: { ...set, candidates }, ...(kept > 0 ? { empty: kept } : {}) });
  return records;
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
