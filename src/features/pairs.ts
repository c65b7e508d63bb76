import type { PreferencePair } from "../data/types.js";
import type { Featurizer } from "./featurizer.js";
import { createPoolBuilder, type FeaturePool } from "./pool.js";

/** Feature rows of the chosen responses (rows 0..P−1) then the rejected ones (rows P..2P−1). */
export function featurizePairs(pairs: PreferencePair[], featurizer: Featurizer): FeaturePool {
  const builder = createPoolBuilder(featurizer);
  for (const p of pairs) builder.add(featurizer.row(p.prompt, p.chosen));
  for (const p of pairs) builder.add(featurizer.row(p.prompt, p.rejected));
  return builder.seal();
}
