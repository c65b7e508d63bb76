import type { EnsembleScores } from "../../src/disagreement/stats.js";

/**
 * Three members, five pairs, three prompts (A: p1 p2, B: p3, C: p4 p5). Margins d[m] = chosen − rejected:
 *   m0: [2,  1,  2, -1, 3]
 *   m1: [1, -1,  2,  0, 1]   (a zero margin on p4)
 *   m2: [3,  1, -2, -2, 1]
 */
export function tinyEnsemble(): EnsembleScores {
  return {
    pairIds: ["p1", "p2", "p3", "p4", "p5"],
    promptKeys: ["A", "A", "B", "C", "C"],
    prompts: ["prompt A", "prompt A", "prompt B", "prompt C", "prompt C"],
    chosen: [
      [3, 2, 5, 0, 4],
      [2, 0, 1, 2, 3],
      [5, 3, 0, -1, 2],
    ].map((row) => Float64Array.from(row)),
    rejected: [
      [1, 1, 3, 1, 1],
      [1, 1, -1, 2, 2],
      [2, 2, 2, 1, 1],
    ].map((row) => Float64Array.from(row)),
  };
}
