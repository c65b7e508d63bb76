import type { FeaturesConfig } from "../config/schema.js";
import type { PreferencePair } from "../data/types.js";
import { featurize, type SparseRow } from "./hashing.js";

/** Feature rows of both responses of each pair, in pair order. */
export function featurizePairs(
  pairs: PreferencePair[],
  config: FeaturesConfig,
): { chosen: SparseRow[]; rejected: SparseRow[] } {
  return {
    chosen: pairs.map((p) => featurize(p.prompt, p.chosen, config)),
    rejected: pairs.map((p) => featurize(p.prompt, p.rejected, config)),
  };
}
