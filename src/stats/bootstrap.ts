/**
 * Seeded percentile-bootstrap intervals (Efron and Tibshirani 1993, ch. 13), for every quantity a claim
 * uses. Hand-written: npm's statistics libraries (simple-statistics, jStat) draw resamples of one flat
 * sample only, while the verdicts need resamples of clusters (pairs grouped by prompt) and of two crossed
 * factors at once (trials × prompts), the same draw shared by two methods for a paired difference.
 *
 * Two-way (crossed) resampling, Owen's "pigeonhole" bootstrap (Ann. Appl. Stat. 2007): each replicate
 * draws trials with replacement and, independently, prompts with replacement, and evaluates the statistic
 * on the resampled rows and columns. A factor with one level (one trial) is not resampled.
 */

import { createRng, type Rng } from "../runtime/random.js";

/** Coverage of every interval align reports. */
export const INTERVAL_LEVEL = 0.95;

/** A point estimate with its percentile-bootstrap interval. */
export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
}

export interface BootstrapOptions {
  seed: number;
  /** Number of bootstrap replicates B. */
  resamples: number;
}

/** The q-quantile of ascending `sorted` by linear interpolation between order statistics (R's type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const below = Math.floor(h);
  const above = Math.min(below + 1, n - 1);
  return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
}

/** The central INTERVAL_LEVEL interval of the replicates: their (α/2, 1 − α/2) quantiles. */
export function percentileInterval(estimate: number, replicates: ArrayLike<number>): Interval {
  const sorted = Float64Array.from(replicates).sort();
  // Rounded so that 1 − 0.95 is exactly 0.05: the quantile positions then fall on order statistics.
  const tail = Number(((1 - INTERVAL_LEVEL) / 2).toFixed(12));
  return { estimate, lo: quantileSorted(sorted, tail), hi: quantileSorted(sorted, 1 - tail) };
}

/** n indices drawn uniformly with replacement from 0..n-1. */
export function resample(n: number, rng: Rng): Int32Array {
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = rng.int(n);
  return indices;
}

/** 0..n-1: the original sample. */
export function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/**
 * Bootstrap over n independent units (prompts, or clusters of pairs sharing a prompt): `statistic` gets the
 * indices of one resample; the estimate is the statistic on the original units.
 */
export function bootstrapUnits(
  n: number,
  statistic: (units: Int32Array) => number,
  options: BootstrapOptions,
): Interval {
  const rng = createRng(options.seed);
  const replicates = new Float64Array(options.resamples);
  for (let b = 0; b < options.resamples; b++) replicates[b] = statistic(resample(n, rng));
  return percentileInterval(statistic(identity(n)), replicates);
}

/**
 * Two-way bootstrap over rows (trials) and columns (prompts): `statistic` gets one resample of each. A
 * paired comparison of two methods on the same trials and prompts is a statistic that evaluates both on
 * the same indices and returns their difference.
 */
export function bootstrapTable(
  rows: number,
  columns: number,
  statistic: (rows: Int32Array, columns: Int32Array) => number,
  options: BootstrapOptions,
): Interval {
  return bootstrapTables([rows], columns, (r, c) => [statistic(r[0], c)], options)[0];
}

/**
 * Several statistics from the same two-way resamples of one or more tables that share their columns
 * (prompts). Each table's rows (trials) are resampled on their own, except that tables of the same row
 * count are paired when `pairedRows` (row t of each is the same trial, e.g. the same reward model):
 * then one draw serves them all. `statistic` returns one value per interval.
 */
export function bootstrapTables(
  rowCounts: readonly number[],
  columns: number,
  statistic: (rows: Int32Array[], columns: Int32Array) => number[],
  options: BootstrapOptions & { pairedRows?: boolean },
): Interval[] {
  const rng = createRng(options.seed);
  const original = rowCounts.map(identity);
  const estimates = statistic(original, identity(columns));
  const replicates = estimates.map(() => new Float64Array(options.resamples));
  for (let b = 0; b < options.resamples; b++) {
    const drawn = new Map<number, Int32Array>();
    const rows = rowCounts.map((n, t) => {
      if (n <= 1) return original[t];
      const shared = options.pairedRows === true ? drawn.get(n) : undefined;
      const draw = shared ?? resample(n, rng);
      drawn.set(n, draw);
      return draw;
    });
    statistic(rows, resample(columns, rng)).forEach((value, i) => {
      replicates[i][b] = value;
    });
  }
  return estimates.map((estimate, i) => percentileInterval(estimate, replicates[i]));
}

/** Mean of values[i] over the given indices. */
export function meanAt(values: ArrayLike<number>, indices: Int32Array): number {
  let sum = 0;
  for (const i of indices) sum += values[i];
  return sum / indices.length;
}

/** Σ numerator[i] / Σ denominator[i] over the indices: a rate over the items of resampled clusters. */
export function ratioAt(
  numerator: ArrayLike<number>,
  denominator: ArrayLike<number>,
  indices: Int32Array,
): number {
  let top = 0;
  let bottom = 0;
  for (const i of indices) {
    top += numerator[i];
    bottom += denominator[i];
  }
  return top / bottom;
}

/** Interval of mean(a) − mean(b) for paired samples: one resample of the pairs serves both. */
export function pairedMeanDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions,
): Interval {
  if (a.length !== b.length) throw new Error("paired samples must have the same length");
  return bootstrapUnits(a.length, (i) => meanAt(a, i) - meanAt(b, i), options);
}

/** Interval of mean(a) − mean(b) for independent samples: each is resampled on its own. */
export function unpairedMeanDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions,
): Interval {
  const rng = createRng(options.seed);
  const replicates = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    replicates[r] = meanAt(a, resample(a.length, rng)) - meanAt(b, resample(b.length, rng));
  }
  return percentileInterval(meanAt(a, identity(a.length)) - meanAt(b, identity(b.length)), replicates);
}
