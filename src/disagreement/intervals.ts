/** 95% intervals of the disagreement study's rates: bootstrap over prompts, a prompt's pairs kept together. */

import { deriveSeed } from "../runtime/random.js";
import {
  type BootstrapOptions,
  bootstrapUnits,
  INTERVAL_LEVEL,
  type Interval,
  ratioAt,
} from "../stats/bootstrap.js";

export interface DisagreementIntervals {
  level: number;
  test: string;
  resamples: number;
  /** Resampling units: distinct prompts. */
  prompts: number;
  pairs: number;
  signDisagreementRate: Interval;
  minorityContradictionRate: Interval;
  meanPairwiseFlipRate: Interval;
  accuracyMean: Interval;
  accuracyEnsemble: Interval;
  /** Index m: member m's accuracy. */
  accuracyPerMember: Interval[];
}

/** Per-pair values of each rate (1/0 indicators, or a pair's share of flipping member pairs). */
export interface PairIndicators {
  signDisagreement: ArrayLike<number>;
  minorityContradiction: ArrayLike<number>;
  pairwiseFlip: ArrayLike<number>;
  ensembleCorrect: ArrayLike<number>;
  /** [member][pair] */
  memberCorrect: ArrayLike<number>[];
}

/** Sums of a per-pair value over the pairs of each prompt. */
function sumByPrompt(values: ArrayLike<number>, promptIndex: Int32Array, promptCount: number): Float64Array {
  const sums = new Float64Array(promptCount);
  for (let p = 0; p < values.length; p++) sums[promptIndex[p]] += values[p];
  return sums;
}

/**
 * Each rate is Σ over the pairs of resampled prompts / their pair count: a cluster bootstrap, since pairs of
 * one prompt are not independent. Each statistic draws from its own seed, so adding one moves no other.
 */
export function disagreementIntervals(
  indicators: PairIndicators,
  promptIndex: Int32Array,
  promptCount: number,
  options: BootstrapOptions,
): DisagreementIntervals {
  const pairs = promptIndex.length;
  const counts = sumByPrompt(new Float64Array(pairs).fill(1), promptIndex, promptCount);
  const rate = (name: string, values: ArrayLike<number>, denominatorScale = 1): Interval => {
    const sums = sumByPrompt(values, promptIndex, promptCount);
    const denominators = counts.map((c) => c * denominatorScale);
    const seed = deriveSeed(options.seed, "bootstrap", "disagreement", name);
    return bootstrapUnits(promptCount, (i) => ratioAt(sums, denominators, i), { ...options, seed });
  };
  const members = indicators.memberCorrect.length;
  const allCorrect = new Float64Array(pairs);
  for (const member of indicators.memberCorrect) for (let p = 0; p < pairs; p++) allCorrect[p] += member[p];
  return {
    level: INTERVAL_LEVEL,
    test: "percentile bootstrap over prompts (a prompt's pairs resampled together)",
    resamples: options.resamples,
    prompts: promptCount,
    pairs,
    signDisagreementRate: rate("signDisagreementRate", indicators.signDisagreement),
    minorityContradictionRate: rate("minorityContradictionRate", indicators.minorityContradiction),
    meanPairwiseFlipRate: rate("meanPairwiseFlipRate", indicators.pairwiseFlip),
    accuracyMean: rate("accuracyMean", allCorrect, members),
    accuracyEnsemble: rate("accuracyEnsemble", indicators.ensembleCorrect),
    accuracyPerMember: indicators.memberCorrect.map((c, m) => rate(`accuracy/${m}`, c)),
  };
}
