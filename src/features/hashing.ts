import type { FeaturesConfig } from "../config/schema.js";
import { doubled } from "../runtime/grow.js";
import { fnv1a, fnvStart, mix32 } from "../runtime/random.js";

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

/**
 * Signed counts of hashed features, and the indices touched (with repeats), reused from row to row: the
 * counts are back to zero once a row is taken.
 */
interface Counts {
  counts: Int32Array;
  touched: Int32Array;
  size: number;
  magnitudes: Float64Array;
}

let scratch: Counts | undefined;

function countsFor(dimension: number): Counts {
  if (scratch?.counts.length !== dimension) {
    scratch = {
      counts: new Int32Array(dimension),
      touched: new Int32Array(256),
      size: 0,
      magnitudes: new Float64Array(256),
    };
  }
  return scratch;
}

/**
 * Adds every word n-gram of `tokens` of length 1..maxN, the text `${prefix}${its tokens joined by " "}`, to the
 * counts: at index h mod D, +1 or -1 by the top bit of h, h = hashString(text, HASH_SEED). The hash is
 * extended token by token (FNV-1a reads a text piece by piece as it reads it whole), so no n-gram's text is
 * built.
 */
function addNgrams(tokens: string[], maxN: number, prefix: string, into: Counts): void {
  const mask = into.counts.length - 1;
  const start = fnv1a(fnvStart(HASH_SEED), prefix);
  for (let i = 0; i < tokens.length; i++) {
    let h = start;
    for (let n = 1; n <= maxN && i + n <= tokens.length; n++) {
      if (n > 1) h = fnv1a(h, " ");
      h = fnv1a(h, tokens[i + n - 1]);
      const hash = mix32(h);
      const index = hash & mask;
      if (into.counts[index] === 0) {
        if (into.size === into.touched.length) into.touched = doubled(into.touched);
        into.touched[into.size++] = index;
      }
      into.counts[index] += hash >>> 31 === 0 ? 1 : -1;
    }
  }
}

/**
 * The row of the counts: value = sign · log(1 + |count|) at each index whose count is not zero, in index
 * order, scaled to unit L2 norm (no n-gram gives an empty row). Resets the counts.
 */
function takeRow(from: Counts): SparseRow {
  const touched = from.touched.subarray(0, from.size).sort();
  if (from.magnitudes.length < touched.length) from.magnitudes = new Float64Array(from.touched.length);
  const magnitudes = from.magnitudes;
  // The indices kept are moved to the front of `touched`, in place (a kept index never overtakes its reader).
  let kept = 0;
  let sumOfSquares = 0;
  for (let k = 0; k < touched.length; k++) {
    const index = touched[k];
    const c = from.counts[index];
    if (c === 0 || (k > 0 && index === touched[k - 1])) continue;
    const value = Math.sign(c) * Math.log1p(Math.abs(c));
    touched[kept] = index;
    magnitudes[kept] = value;
    sumOfSquares += value * value;
    kept += 1;
  }
  const indices = touched.slice(0, kept);
  for (const index of indices) from.counts[index] = 0;
  from.size = 0;
  const norm = Math.sqrt(sumOfSquares);
  const values = new Float32Array(kept);
  for (let k = 0; k < kept; k++) values[k] = norm > 0 ? magnitudes[k] / norm : magnitudes[k];
  return { indices, values };
}

/**
 * Features of a response to a prompt, as the config asks: signed feature hashing of the response's word
 * n-grams (prefix "r:") and, with features.includePrompt, the prompt's (prefix "p:").
 */
export function featurize(
  prompt: string,
  response: string,
  config: Pick<FeaturesConfig, "dimension" | "ngramMax" | "includePrompt">,
): SparseRow {
  // Both texts tokenised before anything is counted: the shared counts are never left half-filled.
  const responseTokens = tokenize(response);
  const promptTokens = config.includePrompt ? tokenize(prompt) : [];
  const counts = countsFor(config.dimension);
  addNgrams(responseTokens, config.ngramMax, "r:", counts);
  addNgrams(promptTokens, config.ngramMax, "p:", counts);
  return takeRow(counts);
}
