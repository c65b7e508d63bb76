import type { FeaturesConfig } from "../config/schema.js";
import { UserError } from "../runtime/errors.js";
import { type EmbeddingTable, quoteText, readEmbeddings } from "./embeddings.js";
import { featurize, type SparseRow } from "./hashing.js";

/** A feature row: sparse (hashed n-grams) or dense (an embedding). */
export type FeatureRow = SparseRow | Float32Array;

/** Turns (prompt, response) into feature rows of one kind and width. */
export interface Featurizer {
  dimension: number;
  dense: boolean;
  row(prompt: string, response: string): FeatureRow;
}

/** Tables read in this process, by file: a run that trains and then scores reads its file once. */
const tables = new Map<string, EmbeddingTable>();

function embeddingTable(config: FeaturesConfig["embeddings"]): EmbeddingTable {
  const key = JSON.stringify(config);
  let table = tables.get(key);
  if (table === undefined) {
    table = readEmbeddings(config);
    tables.set(key, table);
  }
  return table;
}

/**
 * The featurizer the config asks for. Embeddings: the response's row of the table, after the
 * prompt's when features.includePrompt is set; a text without a row is an error naming it (the first
 * one met, as texts are featurised in data order).
 */
export function createFeaturizer(config: FeaturesConfig): Featurizer {
  if (config.source === "ngrams") {
    return { dimension: config.dimension, dense: false, row: (p, r) => featurize(p, r, config) };
  }
  const table = embeddingTable(config.embeddings);
  const d = table.dimension;
  const lookup = (text: string, what: string) => {
    const r = table.rowOf.get(text);
    if (r === undefined) {
      throw new UserError(
        `${table.index}: no embedding for the ${what} ${quoteText(text)} (embed every prompt and response of the data)`,
      );
    }
    return table.data.subarray(r * d, (r + 1) * d);
  };
  if (!config.includePrompt) return { dimension: d, dense: true, row: (_, r) => lookup(r, "response") };
  return {
    dimension: 2 * d,
    dense: true,
    row(prompt, response) {
      const row = new Float32Array(2 * d);
      row.set(lookup(prompt, "prompt"));
      row.set(lookup(response, "response"), d);
      return row;
    },
  };
}
