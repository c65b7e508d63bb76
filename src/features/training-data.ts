import type { Config, FeaturesConfig } from "../config/schema.js";
import { checkSplits, loadDataset, pairReader, streamsPairs } from "../data/load.js";
import { collectRecords, withEmptyKept } from "../data/records.js";
import { assignSplits, SPLITS } from "../data/split.js";
import type { Dataset, LineRecord, Split } from "../data/types.js";
import { doubled } from "../runtime/grow.js";
import { createFeaturizer } from "./featurizer.js";
import { createPoolBuilder, type FeaturePool } from "./pool.js";

/**
 * What reward-model training needs of a dataset: the feature rows of every pair (pair p's chosen
 * response is row 2p of the pool, its rejected one row 2p + 1) and, per split, its pairs in file order.
 */
export interface TrainingData {
  pool: FeaturePool;
  splits: Record<Split, Int32Array>;
  dropped: Record<string, number>;
  source: string;
}

export function splitSizes(data: TrainingData): Record<Split, number> {
  return {
    train: data.splits.train.length,
    validation: data.splits.validation.length,
    test: data.splits.test.length,
  };
}

/** Featurises a dataset already in memory (synthetic, alpaca-eval, or one shared with other stages). */
export function trainingDataFromDataset(dataset: Dataset, features: FeaturesConfig): TrainingData {
  const featurizer = createFeaturizer(features);
  const builder = createPoolBuilder(featurizer);
  const splits = {} as Record<Split, Int32Array>;
  for (const split of SPLITS) {
    splits[split] = Int32Array.from(dataset.pairs[split], (pair) => {
      builder.add(featurizer.row(pair.prompt, pair.chosen));
      builder.add(featurizer.row(pair.prompt, pair.rejected));
      return builder.rows / 2 - 1;
    });
  }
  return { pool: builder.seal(), splits, dropped: dataset.dropped, source: dataset.source };
}

/**
 * Loads the data for training. Pair files (jsonl, hh-rlhf, csv, parquet) stream: each pair is featurised as it
 * is read and its text dropped, keeping only its id (for the duplicate check) and its prompt (splits
 * are drawn per distinct prompt). The splits are those of loadDataset, pair for pair.
 */
export async function loadTrainingData(config: Config): Promise<TrainingData> {
  const { data, features } = config;
  if (!streamsPairs(data) || data.path === undefined) {
    return trainingDataFromDataset(await loadDataset(data, config.seed), features);
  }
  const path = data.path;
  const featurizer = createFeaturizer(features);
  const builder = createPoolBuilder(featurizer);
  const promptIds = new Map<string, number>();
  let promptOfPair = new Int32Array(1024);
  async function* featurised(): AsyncGenerator<LineRecord<{ id: string }>> {
    for await (const record of pairReader(data, path)) {
      if ("dropped" in record) {
        yield record;
        continue;
      }
      const pair = record.value;
      const pairNumber = builder.rows / 2;
      if (pairNumber === promptOfPair.length) promptOfPair = doubled(promptOfPair);
      let prompt = promptIds.get(pair.prompt);
      if (prompt === undefined) {
        prompt = promptIds.size;
        promptIds.set(pair.prompt, prompt);
      }
      promptOfPair[pairNumber] = prompt;
      builder.add(featurizer.row(pair.prompt, pair.chosen));
      builder.add(featurizer.row(pair.prompt, pair.rejected));
      yield { line: record.line, value: { id: pair.id }, empty: record.empty };
    }
  }
  const { values, dropped, emptyKept } = await collectRecords(featurised(), path, data.maxPairs);
  const pairs = values.length;
  const assignment = assignSplits([...promptIds.keys()], config.seed, data.splits);
  const splitOfPrompt = [...promptIds.keys()].map((prompt) => assignment.get(prompt) as Split);
  const splits = {} as Record<Split, Int32Array>;
  for (const split of SPLITS) {
    const members: number[] = [];
    for (let p = 0; p < pairs; p++) if (splitOfPrompt[promptOfPair[p]] === split) members.push(p);
    splits[split] = Int32Array.from(members);
  }
  checkSplits(splits, data, promptIds.size);
  return {
    pool: builder.seal(),
    splits,
    dropped,
    source: `${data.source}: ${path} (${withEmptyKept(`${pairs} pairs`, emptyKept)})`,
  };
}
