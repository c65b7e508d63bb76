import type { FeaturesConfig } from "../config/schema.js";
import type { CandidateSet } from "../data/types.js";
import { featurize } from "../features/hashing.js";
import type { HeadParams } from "./params.js";
import { scoreMembers } from "./score.js";

/** Every member's raw reward of every candidate of each set: result[set][member][candidate]. */
export function scoreCandidateSets(
  members: HeadParams[],
  sets: CandidateSet[],
  features: FeaturesConfig,
): number[][][] {
  const rows = sets.flatMap((set) => set.candidates.map((c) => featurize(set.prompt, c.text, features)));
  const scores = scoreMembers(members, rows);
  let offset = 0;
  return sets.map((set) => {
    const k = set.candidates.length;
    const perMember = scores.map((s) => Array.from(s.subarray(offset, offset + k)));
    offset += k;
    return perMember;
  });
}
