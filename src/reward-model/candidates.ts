import type { FeaturesConfig } from "../config/schema.js";
import type { CandidateSet } from "../data/types.js";
import { createFeaturizer } from "../features/featurizer.js";
import { createPoolBuilder } from "../features/pool.js";
import type { HeadParams } from "./params.js";
import { scoreMembers } from "./score.js";

/** Every member's raw reward of every candidate of each set: result[set][member][candidate]. */
export function scoreCandidateSets(
  members: HeadParams[],
  sets: CandidateSet[],
  features: FeaturesConfig,
): number[][][] {
  const featurizer = createFeaturizer(features);
  const builder = createPoolBuilder(featurizer);
  for (const set of sets) for (const c of set.candidates) builder.add(featurizer.row(set.prompt, c.text));
  const scores = scoreMembers(members, builder.seal());
  let offset = 0;
  return sets.map((set) => {
    const k = set.candidates.length;
    const perMember = scores.map((s) => Array.from(s.subarray(offset, offset + k)));
    offset += k;
    return perMember;
  });
}
