import type { SourceConfig } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import { readAlpacaEvalSets } from "./alpaca-eval.js";
import { drawCandidatePairs } from "./candidate-sets.js";
import { readCsvPairs } from "./csv.js";
import type { JsonObject, Where } from "./fields.js";
import { selectGenerators } from "./generators.js";
import { readHhRlhfPairs } from "./hh-rlhf.js";
import { readJsonlPairs, readJsonRecords } from "./jsonl.js";
import { pairsFromRecords } from "./pair-formats.js";
import { ratedSetsFromRecords } from "./rated.js";
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
export const pairFileSources: readonly SourceConfig["source"][] = ["jsonl", "hh-rlhf", "csv", "parquet"];

/** Whether the configured data is a file of pairs, read by pairReader (rated completions are candidate sets). */
export function streamsPairs(data: SourceConfig): boolean {
  return pairFileSources.includes(data.source) && data.format !== "rated";
}

/** The columns a parquet file must have in data.format, and those read when present. */
function parquetColumns(data: SourceConfig): { required: string[]; optional: string[] } {
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
function fileRecords(data: SourceConfig, path: string): AsyncIterable<{ where: Where; record: JsonObject }> {
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
export function pairReader(data: SourceConfig, path: string): AsyncIterable<LineRecord<PreferencePair>> {
  if (data.source === "hh-rlhf") return readHhRlhfPairs(path, data.onEmptyResponse);
  if (data.source === "csv") return readCsvPairs(path, data.columns, data.onEmptyResponse);
  if (data.source === "parquet") {
    const records = fileRecords(data, path);
    return pairsFromRecords(records, data.format, { columns: data.columns }, data.onEmptyResponse);
  }
  return readJsonlPairs(path, data.onEmptyResponse, data.format, data.columns);
}

/** The reader of a candidate set source: AlpacaEval's files, or rated completions (jsonl or parquet). */
function candidateSetReader(data: SourceConfig, path: string): AsyncIterable<LineRecord<CandidateSet>> {
  if (data.source === "alpaca-eval") return readAlpacaEvalSets(path, data.onEmptyResponse);
  return ratedSetsFromRecords(fileRecords(data, path), data, data.onEmptyResponse);
}

/**
 * The candidate sets of AlpacaEval or rated completions, with data.generators applied (AlpacaEval only;
 * counting the sets it empties), and their description.
 */
async function readCandidateSets(data: SourceConfig, path: string, key: string) {
  const read = await collectRecords(candidateSetReader(data, path), path, data.maxPrompts);
  const what = data.source === "alpaca-eval" ? "instructions" : "prompts of rated completions";
  if (data.generators === undefined) {
    const description = withEmptyKept(`${read.values.length} ${what}`, read.emptyKept);
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
    `${selected.sets.length} ${what}, ${selected.kept.length} of ${selected.all.length} generators`,
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
  if (data.source === "alpaca-eval" || data.format === "rated") {
    const { sets, dropped, description } = await readCandidateSets(data, path, key);
    const pairs = drawCandidatePairs(sets, data.pairsPerPrompt, data.minRewardGap, seed);
    return {
      ...fromCandidateSets(sets, pairs.slice(0, data.maxPairs), data, seed, key),
      dropped,
      source: `${data.source}: ${path} (${description})`,
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
