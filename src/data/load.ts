import type { DataConfig } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import { readAlpacaEvalSets } from "./alpaca-eval.js";
import { drawCandidatePairs } from "./candidate-sets.js";
import { readCsvPairs } from "./csv.js";
import type { JsonObject, Where } from "./fields.js";
import { readHhRlhfPairs } from "./hh-rlhf.js";
import { readJsonlPairs, readJsonRecords } from "./jsonl.js";
import { pairsFromRecords } from "./pair-formats.js";
import { ratedSetsFromRecords } from "./rated.js";
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
export const pairFileSources: readonly DataConfig["source"][] = ["jsonl", "hh-rlhf", "csv", "parquet"];

/** Whether the configured data is a file of pairs, read by pairReader (rated completions are candidate sets). */
export function streamsPairs(data: DataConfig): boolean {
  return pairFileSources.includes(data.source) && data.format !== "rated";
}

/** The columns a parquet file must have in data.format, and those read when present. */
function parquetColumns(data: DataConfig): { required: string[]; optional: string[] } {
  const { id, prompt, chosen, rejected, completions } = data.columns;
  const ids = id === undefined ? [] : [id];
  if (data.format === "rated") return { required: [...ids, prompt, completions], optional: [] };
  if (data.format === "standard" || data.format === "conversational")
    return { required: [...ids, prompt, chosen, rejected], optional: [] };
  // implicit-prompt has no prompt; auto tells the formats apart by it (and names a rated file's list).
  const optional = data.format === "auto" ? [prompt, completions] : [];
  return { required: [...ids, chosen, rejected], optional };
}

/** The records of a jsonl or parquet file (or folder of parquet shards). */
function fileRecords(data: DataConfig, path: string): AsyncIterable<{ where: Where; record: JsonObject }> {
  if (data.source !== "parquet") return readJsonRecords(path);
  return parquetRecords(path, parquetColumns(data));
}

/** Parquet's records, its reader loaded only when a parquet file is read. */
async function* parquetRecords(
  path: string,
  { required, optional }: { required: string[]; optional: string[] },
): AsyncGenerator<{ where: Where; record: JsonObject }> {
  const { readParquetRecords } = await import("./parquet.js");
  yield* readParquetRecords(path, required, optional);
}

/** The reader of a pair file source: the one dispatcher from data.source to a file format. */
export function pairReader(data: DataConfig, path: string): AsyncIterable<LineRecord<PreferencePair>> {
  if (data.source === "hh-rlhf") return readHhRlhfPairs(path, data.onEmptyResponse);
  if (data.source === "csv") return readCsvPairs(path, data.columns, data.onEmptyResponse);
  if (data.source === "parquet") {
    const records = fileRecords(data, path);
    return pairsFromRecords(records, data.format, { columns: data.columns }, data.onEmptyResponse);
  }
  return readJsonlPairs(path, data.onEmptyResponse, data.format, data.columns);
}

/** The reader of a candidate set source: AlpacaEval's files, or rated completions (jsonl or parquet). */
function candidateSetReader(data: DataConfig, path: string): AsyncIterable<LineRecord<CandidateSet>> {
  if (data.source === "alpaca-eval") return readAlpacaEvalSets(path, data.onEmptyResponse);
  return ratedSetsFromRecords(fileRecords(data, path), data, data.onEmptyResponse);
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
  if (data.source === "alpaca-eval" || data.format === "rated") {
    const {
      values: sets,
      dropped,
      emptyKept,
    } = await collectRecords(candidateSetReader(data, path), path, data.maxPrompts);
    const pairs = drawCandidatePairs(sets, data.pairsPerPrompt, data.minRewardGap, seed);
    const what = data.source === "alpaca-eval" ? "instructions" : "prompts of rated completions";
    return {
      ...fromCandidateSets(sets, pairs.slice(0, data.maxPairs), data, seed),
      dropped,
      source: `${data.source}: ${path} (${withEmptyKept(`${sets.length} ${what}`, emptyKept)})`,
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
