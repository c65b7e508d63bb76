import type { FeaturesConfig } from "../config/schema.js";
import { hashString } from "../runtime/random.js";

/** A sparse, L2-normalised feature row: sorted unique indices and their values. */
export interface SparseRow {
  indices: Int32Array;
  values: Float32Array;
}

/** Fixed so that features never depend on the run seed: the same text always hashes the same way. */
const HASH_SEED = 0x5eed;

/** Lower-cased word tokens (letters and digits, any script). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** All word n-grams of length 1..maxN, each prefixed so prompt and response features stay apart. */
export function ngrams(tokens: string[], maxN: number, prefix: string): string[] {
  const grams: string[] = [];
  for (let n = 1; n <= maxN; n++) {
    for (let i = 0; i + n <= tokens.length; i++) grams.push(`${prefix}${tokens.slice(i, i + n).join(" ")}`);
  }
  return grams;
}

/**
 * Signed feature hashing: index = h mod D, sign from the top bit of h; value = sign · log(1 + count),
 * then the row is scaled to unit L2 norm (an empty text gives an empty row).
 */
export function hashFeatures(grams: string[], dimension: number): SparseRow {
  const counts = new Map<number, number>();
  for (const gram of grams) {
    const h = hashString(gram, HASH_SEED);
    const index = h & (dimension - 1);
    const sign = h >>> 31 === 0 ? 1 : -1;
    counts.set(index, (counts.get(index) ?? 0) + sign);
  }
  const indices = [...counts.keys()].filter((i) => counts.get(i) !== 0).sort((a, b) => a - b);
  const values = indices.map((i) => {
    const c = counts.get(i) as number;
    return Math.sign(c) * Math.log1p(Math.abs(c));
  });
  const norm = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0));
  return {
    indices: Int32Array.from(indices),
    values: Float32Array.from(norm > 0 ? values.map((v) => v / norm) : values),
  };
}

/** Features of a response to a prompt, as the config asks. */
export function featurize(
  prompt: string,
  response: string,
  config: Pick<FeaturesConfig, "dimension" | "ngramMax" | "includePrompt">,
): SparseRow {
  const grams = ngrams(tokenize(response), config.ngramMax, "r:");
  if (config.includePrompt) grams.push(...ngrams(tokenize(prompt), config.ngramMax, "p:"));
  return hashFeatures(grams, config.dimension);
}
