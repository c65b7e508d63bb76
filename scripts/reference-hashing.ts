import type { FeaturesConfig } from "../src/config/schema.js";
import type { SparseRow } from "../src/features/hashing.js";
import { tokenize } from "../src/features/hashing.js";
import { hashString } from "../src/runtime/random.js";

/**
 * Feature hashing as written down, the oracle of featurize: every n-gram built as its text, hashed whole with
 * hashString, counted in a map.
 */
export function referenceRow(
  prompt: string,
  response: string,
  { dimension, ngramMax, includePrompt }: Pick<FeaturesConfig, "dimension" | "ngramMax" | "includePrompt">,
): SparseRow {
  const ngrams = (tokens: string[], prefix: string) => {
    const grams: string[] = [];
    for (let n = 1; n <= ngramMax; n++) {
      for (let i = 0; i + n <= tokens.length; i++) grams.push(`${prefix}${tokens.slice(i, i + n).join(" ")}`);
    }
    return grams;
  };
  const grams = ngrams(tokenize(response), "r:");
  if (includePrompt) grams.push(...ngrams(tokenize(prompt), "p:"));
  const counts = new Map<number, number>();
  for (const gram of grams) {
    const h = hashString(gram, 0x5eed);
    const index = h & (dimension - 1);
    counts.set(index, (counts.get(index) ?? 0) + (h >>> 31 === 0 ? 1 : -1));
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
