/**
 * Policy solvers for one prompt. A policy is a distribution over the prompt's K candidates; every vector
 * here (rewards, variances, policies) is a plain `number[]` indexed by candidate, so results are JSON-able.
 */

/** KL(p‖q) = Σ_i p_i log(p_i / q_i), with 0·log 0 = 0. */
export function klDivergence(p: readonly number[], q: readonly number[]): number {
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0) kl += p[i] * Math.log(p[i] / q[i]);
  }
  // KL is non-negative; rounding can leave -1e-17 when p ≈ q.
  return Math.max(0, kl);
}

/** Standard (KL-regularised) policy: argmax πᵀr − β·KL(π‖π0) = π0·exp(r/β) / Z. */
export function solveKlTilted(r: readonly number[], pi0: readonly number[], beta: number): number[] {
  // Subtracting the largest reward keeps every exponent ≤ 0: no overflow, even for tiny β.
  let top = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < r.length; i++) if (pi0[i] > 0 && r[i] > top) top = r[i];
  const pi = new Array<number>(r.length);
  let z = 0;
  for (let i = 0; i < r.length; i++) {
    pi[i] = pi0[i] > 0 ? pi0[i] * Math.exp((r[i] - top) / beta) : 0;
    z += pi[i];
  }
  for (let i = 0; i < r.length; i++) pi[i] /= z;
  return pi;
}

/**
 * Variance-aware policy: argmax πᵀr − (β/2)(π−π0)ᵀdiag(σ²)(π−π0) over the simplex.
 * KKT: π_i = max(0, π0_i + (r_i − ν)/(β σ_i²)) = max(0, (t_i − ν)/a_i) with a_i = β σ_i², t_i = r_i + a_i π0_i,
 * and ν the unique root of Σ_i π_i(ν) = 1. The sum is piecewise linear and decreasing in ν with breakpoints
 * t_i, so ν is found exactly: walk the breakpoints in decreasing order; with the top k candidates active,
 * ν_k = (Σ_{i≤k} t_i/a_i − 1) / Σ_{i≤k} 1/a_i, and the walk stops at the first k with ν_k ≥ t_(k+1).
 * σ² must be positive (callers floor it). Equal rewards give ν = r and π = π0.
 */
export function solveVarianceAware(
  r: readonly number[],
  sigma2: readonly number[],
  pi0: readonly number[],
  beta: number,
): number[] {
  const k = r.length;
  // Shifting r by its maximum keeps equal rewards exactly equal (t_i = a_i π0_i) and the t_i small.
  let top = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < k; i++) if (r[i] > top) top = r[i];
  const t = new Array<number>(k);
  for (let i = 0; i < k; i++) t[i] = r[i] - top + beta * sigma2[i] * pi0[i];
  const order = orderDescending(t);
  let weightedSum = 0;
  let inverseSum = 0;
  let nu = 0;
  for (let n = 0; n < k; n++) {
    const i = order[n];
    weightedSum += t[i] / (beta * sigma2[i]);
    inverseSum += 1 / (beta * sigma2[i]);
    nu = (weightedSum - 1) / inverseSum;
    if (n + 1 < k && nu >= t[order[n + 1]]) break;
  }
  const pi = new Array<number>(k);
  let total = 0;
  for (let i = 0; i < k; i++) {
    pi[i] = Math.max(0, (t[i] - nu) / (beta * sigma2[i]));
    total += pi[i];
  }
  // Rounding in t_i − ν is amplified by 1/(βσ_i²) for near-zero variances; renormalising restores Σπ = 1.
  for (let i = 0; i < k; i++) pi[i] /= total;
  return pi;
}

/** Indices of t by decreasing value; insertion sort below 32 items, where it beats Array.prototype.sort. */
function orderDescending(t: readonly number[]): number[] {
  const order = new Array<number>(t.length);
  for (let i = 0; i < t.length; i++) order[i] = i;
  if (t.length > 32) return order.sort((i, j) => t[j] - t[i]);
  for (let n = 1; n < t.length; n++) {
    const i = order[n];
    let m = n - 1;
    for (; m >= 0 && t[order[m]] < t[i]; m--) order[m + 1] = order[m];
    order[m + 1] = i;
  }
  return order;
}

/** Euclidean-regularised policy: argmax πᵀr − (β/2)‖π−π0‖² over the simplex (the variance-aware one with σ² ≡ 1). */
export function solveEuclidean(r: readonly number[], pi0: readonly number[], beta: number): number[] {
  return solveVarianceAware(r, new Array<number>(r.length).fill(1), pi0, beta);
}

/**
 * Relative variance weights of the variance-aware KL form: w_i = (σ_i² + τ²)/(σ̄² + τ²), σ̄² the mean of σ² over
 * the prompt's candidates and τ² ≥ 0 a prior variance (τ² → ∞ gives w ≡ 1, the standard penalty).
 */
export function relativeVarianceWeights(sigma2: readonly number[], priorVariance: number): number[] {
  let meanVariance = 0;
  for (const s of sigma2) meanVariance += s;
  meanVariance /= sigma2.length;
  return sigma2.map((s) => (s + priorVariance) / (meanVariance + priorVariance));
}

/**
 * Variance-aware policy, KL form: argmax πᵀr − β·Σ_i w_i·(π_i log(π_i/π0_i) − π_i + π0_i) over the simplex.
 * Stationarity gives π_i = π0_i·exp((r_i − ν)/(β w_i)) with ν the root of Σ_i π_i(ν) = 1. f(ν) = log Σ_i π_i(ν)
 * is a log-sum-exp of affine functions of ν: convex and decreasing, with f(min r) ≥ 0 ≥ f(max r). Newton from
 * ν = min r therefore climbs monotonically to the root without overshooting (a convex function lies above its
 * tangents); log-sum-exp keeps every step finite for tiny β. w must be positive; w ≡ 1 is solveKlTilted.
 */
export function solveVarianceAwareKl(
  r: readonly number[],
  w: readonly number[],
  pi0: readonly number[],
  beta: number,
): number[] {
  const k = r.length;
  const support: number[] = [];
  for (let i = 0; i < k; i++) if (pi0[i] > 0) support.push(i);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const i of support) {
    lo = Math.min(lo, r[i]);
    hi = Math.max(hi, r[i]);
  }
  const logTerms = new Array<number>(k).fill(Number.NEGATIVE_INFINITY);
  /** Fills logTerms at ν; returns f(ν) = log Σ π_i(ν) and f'(ν) = −Σ_i π_i/(βw_i) / Σ_i π_i. */
  const evaluate = (nu: number): { f: number; slope: number } => {
    let top = Number.NEGATIVE_INFINITY;
    for (const i of support) {
      logTerms[i] = Math.log(pi0[i]) + (r[i] - nu) / (beta * w[i]);
      if (logTerms[i] > top) top = logTerms[i];
    }
    let sum = 0;
    let weighted = 0;
    for (const i of support) {
      const e = Math.exp(logTerms[i] - top);
      sum += e;
      weighted += e / (beta * w[i]);
    }
    return { f: top + Math.log(sum), slope: -weighted / sum };
  };
  let nu = lo;
  for (let step = 0; step < 200 && hi > lo; step++) {
    const { f, slope } = evaluate(nu);
    if (f <= 0) break;
    const next = Math.min(hi, nu - f / slope);
    if (!(next > nu)) break;
    nu = next;
  }
  evaluate(nu);
  // Normalising absorbs the last rounding in ν, as in the other solvers.
  let top = Number.NEGATIVE_INFINITY;
  for (const i of support) if (logTerms[i] > top) top = logTerms[i];
  const pi = new Array<number>(k).fill(0);
  let total = 0;
  for (const i of support) {
    pi[i] = Math.exp(logTerms[i] - top);
    total += pi[i];
  }
  for (let i = 0; i < k; i++) pi[i] /= total;
  return pi;
}
