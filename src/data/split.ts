import type { DataConfig } from "../config/schema.js";
import { deriveSeed, hashString } from "../runtime/random.js";
import type { PreferencePair, Split } from "./types.js";

export type SplitFractions = DataConfig["splits"];

export const SPLITS: readonly Split[] = ["train", "validation", "test"];

/**
 * Assigns each distinct prompt to one split: prompts are ordered by hash(seed, prompt text) and cut at the
 * cumulative fractions, so the sizes match the fractions (up to rounding) and the same text never lands twice.
 */
export function assignSplits(prompts: string[], seed: number, fractions: SplitFractions): Map<string, Split> {
  const splitSeed = deriveSeed(seed, "split");
  const keyed = [...new Set(prompts)].map((prompt) => ({ prompt, key: hashString(prompt, splitSeed) }));
  keyed.sort((a, b) => a.key - b.key || (a.prompt < b.prompt ? -1 : a.prompt > b.prompt ? 1 : 0));
  const n = keyed.length;
  const trainEnd = Math.round(n * fractions.train);
  const validationEnd = Math.min(n, Math.round(n * (fractions.train + fractions.validation)));
  const assignment = new Map<string, Split>();
  keyed.forEach(({ prompt }, i) => {
    assignment.set(prompt, i < trainEnd ? "train" : i < validationEnd ? "validation" : "test");
  });
  return assignment;
}

/** Routes each pair to the split of its prompt; every prompt must have been assigned. */
export function splitPairs(
  pairs: PreferencePair[],
  assignment: Map<string, Split>,
): Record<Split, PreferencePair[]> {
  const result: Record<Split, PreferencePair[]> = { train: [], validation: [], test: [] };
  for (const pair of pairs) {
    const split = assignment.get(pair.prompt);
    if (split === undefined) throw new Error(`pair ${pair.id}: its prompt was not assigned a split`);
    result[split].push(pair);
  }
  return result;
}
