/** Correlation coefficients between two equally long series: Pearson, Spearman (average ranks) and Kendall tau-b. */

type Series = ArrayLike<number>;

/** Pearson r = Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)² Σ(y−ȳ)²); NaN when either series is constant. */
export function pearson(x: Series, y: Series): number {
  const n = x.length;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += x[i];
    meanY += y[i];
  }
  meanX /= n;
  meanY /= n;
  let cross = 0;
  let squaresX = 0;
  let squaresY = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - meanX;
    const dy = y[i] - meanY;
    cross += dx * dy;
    squaresX += dx * dx;
    squaresY += dy * dy;
  }
  return cross / Math.sqrt(squaresX * squaresY);
}

/** Ranks 1..n; tied values share the average of the ranks they span, e.g. [5, 7, 5] → [1.5, 3, 1.5]. */
export function ranks(values: Series): Float64Array {
  const n = values.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const result = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) result[order[k]] = averageRank;
    start = end;
  }
  return result;
}

/** Spearman ρ = Pearson r of the average ranks (the tie-corrected form). */
export function spearman(x: Series, y: Series): number {
  return pearson(ranks(x), ranks(y));
}

/**
 * Kendall τ_b = (n0 − n1 − n2 + n3 − 2·D) / sqrt((n0 − n1)(n0 − n2)), with n0 = n(n−1)/2 pairs, n1 ties in x,
 * n2 ties in y, n3 ties in both, D discordant pairs. Knight's O(n log n) algorithm: sort by (x, y), then count
 * D as the swaps a merge sort of y needs. NaN when either series is constant.
 */
export function kendallTauB(x: Series, y: Series): number {
  const n = x.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  const yByX = Float64Array.from(order, (i) => y[i]);
  let tiesX = 0;
  let tiesBoth = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && x[order[end]] === x[order[start]]) end++;
    tiesX += tiedPairs(end - start);
    // Within a run of equal x, y is sorted, so equal y values are adjacent.
    tiesBoth += tiedRuns(yByX, start, end);
    start = end;
  }
  const discordant = mergeSortCountingSwaps(yByX);
  const tiesY = tiedRuns(yByX, 0, n);
  const total = tiedPairs(n);
  return (total - tiesX - tiesY + tiesBoth - 2 * discordant) / Math.sqrt((total - tiesX) * (total - tiesY));
}

/** t(t−1)/2: the pairs among t tied values. */
function tiedPairs(t: number): number {
  return (t * (t - 1)) / 2;
}

/** Σ t(t−1)/2 over runs of equal values in sorted[start..end). */
function tiedRuns(sorted: Float64Array, start: number, end: number): number {
  let pairs = 0;
  let run = start;
  for (let k = start + 1; k <= end; k++) {
    if (k === end || sorted[k] !== sorted[run]) {
      pairs += tiedPairs(k - run);
      run = k;
    }
  }
  return pairs;
}

/** Sorts `values` ascending in place (bottom-up merge sort) and returns the inversions: pairs i < j with v_i > v_j. */
function mergeSortCountingSwaps(values: Float64Array): number {
  const n = values.length;
  let source: Float64Array = values;
  let target: Float64Array = new Float64Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let left = 0; left < n; left += 2 * width) {
      const middle = Math.min(left + width, n);
      const right = Math.min(left + 2 * width, n);
      let i = left;
      let j = middle;
      let k = left;
      while (i < middle && j < right) {
        // Equal values are not an inversion: take from the left run first.
        if (source[j] < source[i]) {
          swaps += middle - i;
          target[k++] = source[j++];
        } else {
          target[k++] = source[i++];
        }
      }
      while (i < middle) target[k++] = source[i++];
      while (j < right) target[k++] = source[j++];
    }
    [source, target] = [target, source];
  }
  if (source !== values) values.set(source);
  return swaps;
}

/** The symmetric matrix of `measure` between every two series; the diagonal is 1 by definition. */
export function correlationMatrix(series: Series[], measure: (x: Series, y: Series) => number): number[][] {
  const matrix = series.map(() => series.map(() => 1));
  for (let a = 0; a < series.length; a++) {
    for (let b = a + 1; b < series.length; b++) {
      matrix[a][b] = matrix[b][a] = measure(series[a], series[b]);
    }
  }
  return matrix;
}

/** Mean of the entries above the diagonal: the average correlation between two distinct members. */
export function meanOffDiagonal(matrix: number[][]): number {
  let sum = 0;
  let count = 0;
  for (let a = 0; a < matrix.length; a++) {
    for (let b = a + 1; b < matrix.length; b++) {
      sum += matrix[a][b];
      count++;
    }
  }
  return sum / count;
}
