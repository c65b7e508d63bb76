/** Claim 1: how much reward models trained alike disagree, on held-out preference pairs. */

import { pairAccuracy, pairCredit } from "../reward-model/accuracy.js";
import { UserError } from "../runtime/errors.js";
import { createRng, deriveSeed, permutation } from "../runtime/random.js";
import { mean, median, sampleStd } from "../runtime/stats.js";
import { correlationMatrix, kendallTauB, meanOffDiagonal, pearson, ranks, spearman } from "./correlation.js";
import { type DisagreementIntervals, disagreementIntervals, type PairIndicators } from "./intervals.js";

/** Members' raw rewards on held-out pairs: chosen[m][p] and rejected[m][p] for member m and pair p. */
export interface EnsembleScores {
  pairIds: string[];
  /** Pairs with the same key share a prompt: rewards are centred over all responses of a prompt. */
  promptKeys: string[];
  /** Prompt texts, shown beside the example pairs. */
  prompts?: string[];
  chosen: Float64Array[];
  rejected: Float64Array[];
}

export interface DisagreementOptions {
  /** Pairs in the Figure-1 analogue: this many most disputed and this many random ones. */
  examples: number;
  seed: number;
  /** Bootstrap replicates behind each 95% interval. */
  resamples: number;
}

/**
 * raw: the members' scores as they are. centred: each member's score minus its mean over the responses of the
 * same prompt (Bradley-Terry rewards are defined only up to a per-prompt shift). Margins, and so every statistic
 * built on them, are the same on both bases, since both responses of a pair share a prompt.
 */
export type Basis = "raw" | "centred";

export interface Summary {
  mean: number;
  median: number;
}

export interface CorrelationSummary {
  matrix: number[][];
  meanOffDiagonal: number;
}

export interface HistogramBin {
  lo: number;
  hi: number;
  count: number;
}

export interface DecileRow {
  /** 1 = the pairs with the smallest margin std. */
  decile: number;
  lo: number;
  hi: number;
  pairs: number;
  accuracy: number;
}

export interface ExamplePair {
  pairId: string;
  prompt?: string;
  kind: "disputed" | "random";
  meanMargin: number;
  marginStd: number;
  /** Index m holds member m's score. */
  raw: { chosen: number[]; rejected: number[] };
  centred: { chosen: number[]; rejected: number[] };
}

export interface DisagreementMetrics {
  /** The data the pairs come from, in words (set by the stage; absent in older runs). */
  source?: string;
  members: number;
  pairs: number;
  /** Distinct prompt keys. */
  prompts: number;
  definitions: typeof definitions;
  accuracy: {
    basis: Basis;
    mean: number;
    std: number;
    min: number;
    max: number;
    perMember: number[];
    /** Accuracy of the ensemble-mean reward: the sign of the mean margin. */
    ensemble: number;
  };
  marginStd: Summary & { basis: Basis; histogram: HistogramBin[] };
  signDisagreementRate: number;
  minorityContradictionRate: number;
  meanPairwiseFlipRate: number;
  correlation: {
    basis: Basis;
    responses: number;
    pearson: CorrelationSummary;
    spearman: CorrelationSummary;
    kendall: CorrelationSummary;
  };
  rewardStd: Record<Basis, Summary>;
  uncertaintyVsError: { basis: Basis; deciles: DecileRow[]; spearmanStdVsError: number };
  examples: ExamplePair[];
  /** 95% intervals of the rates above, by bootstrap over prompts. */
  intervals: DisagreementIntervals;
}

export interface PairRow {
  pairId: string;
  meanMargin: number;
  marginStd: number;
  minMargin: number;
  maxMargin: number;
  positiveMembers: number;
  ensembleCorrect: boolean;
}

/** What each statistic means, written into metrics.json so the numbers explain themselves. */
export const definitions = {
  margin: "d_m = r_m(chosen) - r_m(rejected); identical on raw and per-prompt-centred rewards",
  std: "sample standard deviation across members (n-1 denominator)",
  accuracy:
    "fraction of pairs with d_m > 0 (a zero margin counts as wrong); ensemble: fraction of pairs whose mean margin over members is > 0",
  sign: "sign(d_m) in {-1, 0, +1}: a zero margin is a sign of its own",
  signDisagreementRate:
    "fraction of pairs on which the members' signs are not all equal (a zero breaks unanimity)",
  minorityContradictionRate:
    "fraction of pairs where more than half of the members share a nonzero sign and at least one has the opposite sign (zeros neither form nor contradict a majority)",
  meanPairwiseFlipRate: "mean over pairs of members of the fraction of pairs on which their signs differ",
  correlation:
    "between members' per-prompt-centred rewards over all responses (chosen and rejected of every pair); Kendall is tau-b; NaN (null) when a member is constant",
  rewardStd: "per response, the std of its reward across members, summarised over responses",
  uncertaintyVsError:
    "pairs sorted by margin std (ties by pair order) and cut into ten equal-count deciles (empty ones omitted); accuracy of the ensemble-mean reward per decile; Spearman between margin std and error (1 - correct)",
  examples: "the pairs with the highest margin std, then a seeded random draw of the others",
} as const;

const histogramBins = 20;

/** The whole disagreement study: metrics for metrics.json and one row per pair. */
export function analyseDisagreement(
  scores: EnsembleScores,
  options: DisagreementOptions,
): { metrics: DisagreementMetrics; rows: PairRow[] } {
  checkScores(scores);
  const { chosen, rejected, pairIds } = scores;
  const pairCount = pairIds.length;
  const d = chosen.map((c, m) => margins(c, rejected[m]));
  const marginMean = acrossMembers(d, mean);
  const marginSpread = acrossMembers(d, sampleStd);
  const credit = Array.from(marginMean, pairCredit);
  const perMember = d.map(pairAccuracy);

  const { index: promptIndex, count: promptCount } = groupIndex(scores.promptKeys);
  const responsePrompt = Int32Array.from({ length: 2 * pairCount }, (_, r) => promptIndex[r >> 1]);
  const raw = chosen.map((c, m) => interleave(c, rejected[m]));
  const centred = raw.map((r) => centreByGroup(r, responsePrompt, promptCount));
  const ranked = centred.map(ranks);

  const metrics: DisagreementMetrics = {
    members: chosen.length,
    pairs: pairCount,
    prompts: promptCount,
    definitions,
    accuracy: {
      basis: "raw",
      mean: mean(perMember),
      std: sampleStd(perMember),
      min: Math.min(...perMember),
      max: Math.max(...perMember),
      perMember,
      ensemble: mean(credit),
    },
    marginStd: {
      basis: "raw",
      ...summarise(marginSpread),
      histogram: histogram(marginSpread, histogramBins, 0, largest(marginSpread)),
    },
    signDisagreementRate: signDisagreementRate(d),
    minorityContradictionRate: minorityContradictionRate(d),
    meanPairwiseFlipRate: meanPairwiseFlipRate(d),
    correlation: {
      basis: "centred",
      responses: 2 * pairCount,
      pearson: correlationSummary(correlationMatrix(centred, pearson)),
      spearman: correlationSummary(correlationMatrix(ranked, pearson)),
      kendall: correlationSummary(correlationMatrix(centred, kendallTauB)),
    },
    rewardStd: {
      raw: summarise(acrossMembers(raw, sampleStd)),
      centred: summarise(acrossMembers(centred, sampleStd)),
    },
    uncertaintyVsError: {
      basis: "raw",
      deciles: accuracyByDecile(marginSpread, credit),
      spearmanStdVsError: spearman(
        marginSpread,
        credit.map((c) => 1 - c),
      ),
    },
    intervals: disagreementIntervals(pairIndicators(d, credit), promptIndex, promptCount, {
      seed: options.seed,
      resamples: options.resamples,
    }),
    examples: exampleIndices(marginSpread, options.examples, options.seed).map(({ pair, kind }) => ({
      pairId: pairIds[pair],
      ...(scores.prompts === undefined ? {} : { prompt: scores.prompts[pair] }),
      kind,
      meanMargin: marginMean[pair],
      marginStd: marginSpread[pair],
      raw: { chosen: raw.map((r) => r[2 * pair]), rejected: raw.map((r) => r[2 * pair + 1]) },
      centred: { chosen: centred.map((r) => r[2 * pair]), rejected: centred.map((r) => r[2 * pair + 1]) },
    })),
  };
  const rows = pairIds.map((pairId, p) => {
    const column = d.map((dm) => dm[p]);
    return {
      pairId,
      meanMargin: marginMean[p],
      marginStd: marginSpread[p],
      minMargin: Math.min(...column),
      maxMargin: Math.max(...column),
      positiveMembers: column.filter((value) => value > 0).length,
      ensembleCorrect: credit[p] === 1,
    };
  });
  return { metrics, rows };
}

/** Shapes agree, at least two members, every reward finite. */
function checkScores({ pairIds, promptKeys, prompts, chosen, rejected }: EnsembleScores): void {
  if (chosen.length < 2) {
    throw new UserError(
      `the disagreement study needs at least 2 reward models (rewardModel.members), got ${chosen.length}`,
    );
  }
  if (pairIds.length === 0) throw new UserError("the disagreement study needs at least one held-out pair");
  const n = pairIds.length;
  if (
    promptKeys.length !== n ||
    (prompts !== undefined && prompts.length !== n) ||
    rejected.length !== chosen.length
  ) {
    throw new Error(
      "disagreement input: pairIds, promptKeys, prompts and the member arrays disagree in length",
    );
  }
  for (const [side, scores] of [
    ["chosen", chosen],
    ["rejected", rejected],
  ] as const) {
    scores.forEach((member, m) => {
      if (member.length !== n)
        throw new Error(`disagreement input: ${side}[${m}] has ${member.length} scores, not ${n}`);
      const bad = member.findIndex((value) => !Number.isFinite(value));
      if (bad >= 0)
        throw new Error(
          `member ${m} gave a non-finite ${side} reward (${member[bad]}) on pair ${pairIds[bad]}`,
        );
    });
  }
}

/** d_p = r(chosen_p) − r(rejected_p). */
export function margins(chosen: Float64Array, rejected: Float64Array): Float64Array {
  return chosen.map((value, p) => value - rejected[p]);
}

/** The largest value, without spreading a long array into arguments. */
function largest(values: Float64Array): number {
  return values.reduce((a, b) => Math.max(a, b), -Infinity);
}

function summarise(values: ArrayLike<number>): Summary {
  return { mean: mean(values), median: median(values) };
}

/** Applies `statistic` to each column of a [member][item] table: one value per item (the column buffer is reused). */
export function acrossMembers(
  table: Float64Array[],
  statistic: (column: Float64Array) => number,
): Float64Array {
  const column = new Float64Array(table.length);
  return table[0].map((_, item) => {
    table.forEach((row, m) => {
      column[m] = row[item];
    });
    return statistic(column);
  });
}

/** Per pair, how many members give a positive, negative and zero margin. */
function signCounts(d: Float64Array[], pair: number): { positive: number; negative: number; zero: number } {
  let positive = 0;
  let negative = 0;
  for (const member of d) {
    if (member[pair] > 0) positive++;
    else if (member[pair] < 0) negative++;
  }
  return { positive, negative, zero: d.length - positive - negative };
}

/** Each pair's contribution to the sign rates and accuracies, for their intervals. */
function pairIndicators(d: Float64Array[], credit: readonly number[]): PairIndicators {
  const n = d.length;
  const perPair = Array.from({ length: d[0].length }, (_, p) => signCounts(d, p));
  return {
    signDisagreement: perPair.map(({ positive, negative, zero }) =>
      Math.max(positive, negative, zero) < n ? 1 : 0,
    ),
    minorityContradiction: perPair.map(({ positive, negative }) =>
      Math.max(positive, negative) > n / 2 && Math.min(positive, negative) > 0 ? 1 : 0,
    ),
    pairwiseFlip: perPair.map(
      ({ positive, negative, zero }) =>
        (positive * negative + positive * zero + negative * zero) / ((n * (n - 1)) / 2),
    ),
    ensembleCorrect: [...credit],
    memberCorrect: d.map((margin) => margin.map(pairCredit)),
  };
}

/** Fraction of pairs whose members' signs (−1, 0, +1) are not all equal. */
export function signDisagreementRate(d: Float64Array[]): number {
  return fractionOfPairs(d, ({ positive, negative, zero }) => Math.max(positive, negative, zero) < d.length);
}

/** Fraction of pairs where a nonzero sign is held by more than N/2 members and the opposite sign by at least one. */
export function minorityContradictionRate(d: Float64Array[]): number {
  return fractionOfPairs(
    d,
    ({ positive, negative }) =>
      Math.max(positive, negative) > d.length / 2 && Math.min(positive, negative) > 0,
  );
}

/** Mean over member pairs of their sign-flip rate = Σ_p (n₊n₋ + n₊n₀ + n₋n₀) / (P · N(N−1)/2). */
export function meanPairwiseFlipRate(d: Float64Array[]): number {
  const pairs = d[0].length;
  let disagreeing = 0;
  for (let p = 0; p < pairs; p++) {
    const { positive, negative, zero } = signCounts(d, p);
    disagreeing += positive * negative + positive * zero + negative * zero;
  }
  return disagreeing / ((pairs * d.length * (d.length - 1)) / 2);
}

function fractionOfPairs(
  d: Float64Array[],
  holds: (counts: { positive: number; negative: number; zero: number }) => boolean,
): number {
  const pairs = d[0].length;
  let count = 0;
  for (let p = 0; p < pairs; p++) if (holds(signCounts(d, p))) count++;
  return count / pairs;
}

/** Numbers each distinct key 0, 1, ... in order of first appearance. */
function groupIndex(keys: string[]): { index: Int32Array; count: number } {
  const ids = new Map<string, number>();
  const index = Int32Array.from(keys, (key) => {
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    return id;
  });
  return { index, count: ids.size };
}

/** Responses in pair order: [chosen_0, rejected_0, chosen_1, rejected_1, ...]. */
function interleave(chosen: Float64Array, rejected: Float64Array): Float64Array {
  return Float64Array.from(
    { length: 2 * chosen.length },
    (_, r) => (r % 2 === 0 ? chosen : rejected)[r >> 1],
  );
}

/** r_i − mean of r over the items of i's group (a response in several pairs counts once per pair). */
export function centreByGroup(values: Float64Array, group: Int32Array, groupCount: number): Float64Array {
  const sums = new Float64Array(groupCount);
  const counts = new Float64Array(groupCount);
  values.forEach((value, i) => {
    sums[group[i]] += value;
    counts[group[i]]++;
  });
  return values.map((value, i) => value - sums[group[i]] / counts[group[i]]);
}

function correlationSummary(matrix: number[][]): CorrelationSummary {
  return { matrix, meanOffDiagonal: meanOffDiagonal(matrix) };
}

/** Equal-width bins over [lo, hi]; the last bin includes hi. */
export function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): HistogramBin[] {
  const width = (hi - lo) / bins;
  const result = Array.from({ length: bins }, (_, b) => ({
    lo: lo + b * width,
    hi: lo + (b + 1) * width,
    count: 0,
  }));
  for (let i = 0; i < values.length; i++) {
    const bin = width > 0 ? Math.floor((values[i] - lo) / width) : 0;
    result[Math.min(Math.max(bin, 0), bins - 1)].count++;
  }
  return result;
}

/** Indices sorted by value (ties by index), cut into ten equal-count groups: rank i falls in decile ⌊10i/n⌋. */
export function decileBuckets(values: ArrayLike<number>): number[][] {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const buckets: number[][] = Array.from({ length: 10 }, () => []);
  order.forEach((item, rank) => {
    buckets[Math.floor((10 * rank) / n)].push(item);
  });
  return buckets;
}

/** Accuracy of the ensemble-mean reward within each non-empty decile of margin std (buckets are sorted, so lo and hi are their ends). */
export function accuracyByDecile(marginStd: ArrayLike<number>, credit: readonly number[]): DecileRow[] {
  return decileBuckets(marginStd).flatMap((bucket, d) => {
    if (bucket.length === 0) return [];
    return [
      {
        decile: d + 1,
        lo: marginStd[bucket[0]],
        hi: marginStd[bucket[bucket.length - 1]],
        pairs: bucket.length,
        accuracy: mean(bucket.map((p) => credit[p])),
      },
    ];
  });
}

/** The k pairs of highest margin std (ties by pair order), then k others drawn at random from the seed. */
export function exampleIndices(
  marginStd: ArrayLike<number>,
  k: number,
  seed: number,
): { pair: number; kind: "disputed" | "random" }[] {
  const byDispute = Array.from({ length: marginStd.length }, (_, i) => i).sort(
    (a, b) => marginStd[b] - marginStd[a] || a - b,
  );
  const disputed = byDispute.slice(0, k);
  const others = byDispute.slice(k).sort((a, b) => a - b);
  const draw = permutation(others.length, createRng(deriveSeed(seed, "disagreement", "examples")));
  return [
    ...disputed.map((pair) => ({ pair, kind: "disputed" as const })),
    ...draw.slice(0, k).map((i) => ({ pair: others[i], kind: "random" as const })),
  ];
}
