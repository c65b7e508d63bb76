import type { SourceConfig } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import { drawCandidatePairs, readAlpacaEvalSets } from "./alpaca-eval.js";
import { readCsvPairs } from "./csv.js";
import { selectGenerators } from "./generators.js";
import { readHhRlhfPairs } from "./hh-rlhf.js";
import { readJsonlPairs } from "./jsonl.js";
import { collectRecords, isEmptyResponse, TOO_FEW_CANDIDATES, withEmptyKept } from "./records.js";
import { assignSplits, SPLITS, splitPairs } from "./split.js";
import { generateSynthetic } from "./synthetic.js";
import type { CandidateSet, Dataset, LineRecord, PreferencePair, Split } from "./types.js";

/** Every split given a positive fraction must hold pairs. */
export function checkSplits(
  pairs: Record<Split, ArrayLike<unknown>>,
  data: SourceConfig,
  prompts: number,
  key = "data",
): void {
  for (const split of SPLITS) {
    if (data.splits[split] > 0 && pairs[split].length === 0) {
      throw new UserError(
        `${key}.splits: the ${split} split has no pairs (${prompts} prompts in all, ${split} fraction ${data.splits[split]}): ` +
          `use more data (${key}.maxPairs, ${key}.maxPrompts, ${key}.synthetic.prompts) or change ${key}.splits`,
      );
    }
  }
}

/** Assigns the prompts to splits, routes the pairs by prompt and checks that no wanted split is empty. */
function splitByPrompt(
  prompts: string[],
  pairs: PreferencePair[],
  data: SourceConfig,
  seed: number,
  key: string,
): { assignment: Map<string, Split>; pairs: Record<Split, PreferencePair[]> } {
  const assignment = assignSplits(prompts, seed, data.splits);
  const split = splitPairs(pairs, assignment);
  checkSplits(split, data, assignment.size, key);
  return { assignment, pairs: split };
}

/** Sources with candidate sets (synthetic, alpaca-eval): prompts split by set, test sets kept for optimisation. */
function fromCandidateSets(
  sets: CandidateSet[],
  pairs: PreferencePair[],
  data: SourceConfig,
  seed: number,
  key: string,
): Pick<Dataset, "pairs" | "candidateSets"> {
  const split = splitByPrompt(
    sets.map((set) => set.prompt),
    pairs,
    data,
    seed,
    key,
  );
  return {
    pairs: split.pairs,
    candidateSets: sets.filter((set) => split.assignment.get(set.prompt) === "test"),
  };
}

/** Pair-only sources: each test pair becomes a set of its two responses, the human label as true reward. */
function fromPairs(
  pairs: PreferencePair[],
  data: SourceConfig,
  seed: number,
  key: string,
): Pick<Dataset, "pairs" | "candidateSets"> {
  const split = splitByPrompt(
    pairs.map((pair) => pair.prompt),
    pairs,
    data,
    seed,
    key,
  );
  const candidateSets = split.pairs.test.map((pair) => ({
    id: pair.id,
    prompt: pair.prompt,
    candidates: [
      { id: "chosen", text: pair.chosen, trueReward: 1 },
      { id: "rejected", text: pair.rejected, trueReward: 0 },
    ],
  }));
  return { pairs: split.pairs, candidateSets };
}

function requirePath(data: SourceConfig, key: string): string {
  if (data.path === undefined)
    throw new UserError(`${key}.path is required when ${key}.source is ${data.source}`);
  return data.path;
}

/** Sources that are files of preference pairs (not candidate sets): they can be streamed pair by pair. */
export const pairFileSources: readonly SourceConfig["source"][] = ["jsonl", "hh-rlhf", "csv"];

/** The reader of a pair file source: the one dispatcher from data.source to a file format. */
export function pairReader(data: SourceConfig, path: string): AsyncIterable<LineRecord<PreferencePair>> {
  if (data.source === "hh-rlhf") return readHhRlhfPairs(path, data.onEmptyResponse);
  if (data.source === "csv") return readCsvPairs(path, data.csv, data.onEmptyResponse);
  return readJsonlPairs(path, data.onEmptyResponse);
}

/** AlpacaEval candidate sets with data.generators applied (counting the sets it empties) and its description. */
async function readAlpacaEval(data: SourceConfig, path: string, key: string) {
  const read = await collectRecords(readAlpacaEvalSets(path, data.onEmptyResponse), path, data.maxPrompts);
  if (data.generators === undefined) {
    const description = withEmptyKept(`${read.values.length} instructions`, read.emptyKept);
    return { sets: read.values, dropped: read.dropped, description };
  }
  const selected = selectGenerators(read.values, data.generators, key, path);
  const dropped = { ...read.dropped };
  if (selected.tooFew > 0) dropped[TOO_FEW_CANDIDATES] = (dropped[TOO_FEW_CANDIDATES] ?? 0) + selected.tooFew;
  const emptyKept = selected.sets.reduce(
    (n, set) => n + set.candidates.filter((candidate) => isEmptyResponse(candidate.text)).length,
    0,
  );
  const description = withEmptyKept(
    `${selected.sets.length} instructions, ${selected.kept.length} of ${selected.all.length} generators`,
    emptyKept,
  );
  return { sets: selected.sets, dropped, description };
}

/**
 * Loads a data source (`key`: data, or data.eval for an evaluation source), honouring maxPairs,
 * maxPrompts and generators, and splits it by prompt.
 */
export async function loadDataset(data: SourceConfig, seed: number, key = "data"): Promise<Dataset> {
  if (data.source === "synthetic") {
    const synthetic = generateSynthetic(data.synthetic, seed);
    const pairs = synthetic.pairs.slice(0, data.maxPairs);
    const { prompts, candidatesPerPrompt } = data.synthetic;
    return {
      ...fromCandidateSets(synthetic.sets, pairs, data, seed, key),
      dropped: {},
      source: `synthetic: ${prompts} prompts x ${candidatesPerPrompt} candidates, seed ${seed}`,
    };
  }
  const path = requirePath(data, key);
  if (data.source === "alpaca-eval") {
    const { sets, dropped, description } = await readAlpacaEval(data, path, key);
    const pairs = drawCandidatePairs(sets, data.alpacaPairsPerInstruction, data.alpacaMinPreferenceGap, seed);
    return {
      ...fromCandidateSets(sets, pairs.slice(0, data.maxPairs), data, seed, key),
      dropped,
      source: `alpaca-eval: ${path} (${description})`,
    };
  }
  const {
    values: pairs,
    dropped,
    emptyKept,
  } = await collectRecords(pairReader(data, path), path, data.maxPairs);
  return {
    ...fromPairs(pairs, data, seed, key),
    dropped,
    source: `${data.source}: ${path} (${withEmptyKept(`${pairs.length} pairs`, emptyKept)})`,
  };
}
