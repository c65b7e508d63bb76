import type { DataConfig } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import { drawCandidatePairs, readAlpacaEvalSets } from "./alpaca-eval.js";
import { readCsvPairs } from "./csv.js";
import { readHhRlhfPairs } from "./hh-rlhf.js";
import { readJsonlPairs } from "./jsonl.js";
import { collectRecords, withEmptyKept } from "./records.js";
import { assignSplits, SPLITS, splitPairs } from "./split.js";
import { generateSynthetic } from "./synthetic.js";
import type { CandidateSet, Dataset, LineRecord, PreferencePair, Split } from "./types.js";

/** Every split given a positive fraction must hold pairs. */
export function checkSplits(
  pairs: Record<Split, ArrayLike<unknown>>,
  data: DataConfig,
  prompts: number,
): void {
  for (const split of SPLITS) {
    if (data.splits[split] > 0 && pairs[split].length === 0) {
      throw new UserError(
        `data.splits: the ${split} split has no pairs (${prompts} prompts in all, ${split} fraction ${data.splits[split]}): ` +
          "use more data (data.maxPairs, data.maxPrompts, data.synthetic.prompts) or change data.splits",
      );
    }
  }
}

/** Assigns the prompts to splits, routes the pairs by prompt and checks that no wanted split is empty. */
function splitByPrompt(
  prompts: string[],
  pairs: PreferencePair[],
  data: DataConfig,
  seed: number,
): { assignment: Map<string, Split>; pairs: Record<Split, PreferencePair[]> } {
  const assignment = assignSplits(prompts, seed, data.splits);
  const split = splitPairs(pairs, assignment);
  checkSplits(split, data, assignment.size);
  return { assignment, pairs: split };
}

/** Sources with candidate sets (synthetic, alpaca-eval): prompts split by set, test sets kept for optimisation. */
function fromCandidateSets(
  sets: CandidateSet[],
  pairs: PreferencePair[],
  data: DataConfig,
  seed: number,
): Pick<Dataset, "pairs" | "candidateSets"> {
  const split = splitByPrompt(
    sets.map((set) => set.prompt),
    pairs,
    data,
    seed,
  );
  return {
    pairs: split.pairs,
    candidateSets: sets.filter((set) => split.assignment.get(set.prompt) === "test"),
  };
}

/** Pair-only sources: each test pair becomes a set of its two responses, the human label as true reward. */
function fromPairs(
  pairs: PreferencePair[],
  data: DataConfig,
  seed: number,
): Pick<Dataset, "pairs" | "candidateSets"> {
  const split = splitByPrompt(
    pairs.map((pair) => pair.prompt),
    pairs,
    data,
    seed,
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

function requirePath(data: DataConfig): string {
  if (data.path === undefined)
    throw new UserError(`data.path is required when data.source is ${data.source}`);
  return data.path;
}

/** Sources that are files of preference pairs (not candidate sets): they can be streamed pair by pair. */
export const pairFileSources: readonly DataConfig["source"][] = ["jsonl", "hh-rlhf", "csv"];

/** The reader of a pair file source: the one dispatcher from data.source to a file format. */
export function pairReader(data: DataConfig, path: string): AsyncIterable<LineRecord<PreferencePair>> {
  if (data.source === "hh-rlhf") return readHhRlhfPairs(path, data.onEmptyResponse);
  if (data.source === "csv") return readCsvPairs(path, data.csv, data.onEmptyResponse);
  return readJsonlPairs(path, data.onEmptyResponse);
}

/** Loads the configured data source, honouring maxPairs and maxPrompts, and splits it by prompt. */
export async function loadDataset(data: DataConfig, seed: number): Promise<Dataset> {
  if (data.source === "synthetic") {
    const synthetic = generateSynthetic(data.synthetic, seed);
    const pairs = synthetic.pairs.slice(0, data.maxPairs);
    const { prompts, candidatesPerPrompt } = data.synthetic;
    return {
      ...fromCandidateSets(synthetic.sets, pairs, data, seed),
      dropped: {},
      source: `synthetic: ${prompts} prompts x ${candidatesPerPrompt} candidates, seed ${seed}`,
    };
  }
  const path = requirePath(data);
  if (data.source === "alpaca-eval") {
    const {
      values: sets,
      dropped,
      emptyKept,
    } = await collectRecords(readAlpacaEvalSets(path, data.onEmptyResponse), path, data.maxPrompts);
    const pairs = drawCandidatePairs(sets, data.alpacaPairsPerInstruction, data.alpacaMinPreferenceGap, seed);
    return {
      ...fromCandidateSets(sets, pairs.slice(0, data.maxPairs), data, seed),
      dropped,
      source: `alpaca-eval: ${path} (${withEmptyKept(`${sets.length} instructions`, emptyKept)})`,
    };
  }
  const {
    values: pairs,
    dropped,
    emptyKept,
  } = await collectRecords(pairReader(data, path), path, data.maxPairs);
  return {
    ...fromPairs(pairs, data, seed),
    dropped,
    source: `${data.source}: ${path} (${withEmptyKept(`${pairs.length} pairs`, emptyKept)})`,
  };
}
