import { klDivergence } from "./policy.js";

/** Matching a KL budget: find β so that the policy solved at β sits at KL(π‖π0) = ε from the reference. */

export interface BudgetMatch {
  pi: number[];
  beta: number;
  kl: number;
  /**
   * False when ε is out of reach: above the KL of the solver's β → 0 limit (π is then that limit) or, a
   * degenerate case, below its KL at the largest β allowed.
   */
  reached: boolean;
}

export interface BudgetOptions {
  /** First β tried: a good guess (see the *BetaGuess functions) saves most of the work. Default 1. */
  betaStart?: number;
  /** Accept β when |KL − ε| ≤ relativeTolerance·ε. Default 1e-6. */
  relativeTolerance?: number;
}

// β stays inside these bounds so that r/β and β·σ² remain finite and non-zero in double precision.
const BETA_MIN = 1e-250;
const BETA_MAX = 1e250;
const MAX_BISECTIONS = 200;

/**
 * Finds β with KL(solve(β)‖π0) = ε. Bracket: from betaStart, β is moved by factors 1.05, 1.05², 1.05⁴, … (each the
 * square of the last) until KL crosses ε: upwards while KL > ε (KL → 0 as β → ∞), downwards while KL < ε.
 * Downwards, when the policy stops changing (the β → 0 limit: all mass on the best candidates) or β reaches
 * its floor, ε is out of reach and that largest-KL policy is returned with reached = false. Then bisection
 * on log β keeps KL(lo) ≥ ε ≥ KL(hi) and stops at |KL − ε| ≤ relativeTolerance·ε, or when the bracket can no
 * longer be split in double precision (KL is continuous in β, so ε is then met to rounding).
 */
export function matchKlBudget(
  solve: (beta: number) => number[],
  pi0: readonly number[],
  epsilon: number,
  options: BudgetOptions = {},
): BudgetMatch {
  const tolerance = (options.relativeTolerance ?? 1e-6) * epsilon;
  const at = (beta: number): BudgetMatch => {
    const pi = solve(beta);
    return { pi, beta, kl: klDivergence(pi, pi0), reached: true };
  };
  const start = at(Math.min(BETA_MAX, Math.max(BETA_MIN, options.betaStart ?? 1)));
  if (Math.abs(start.kl - epsilon) <= tolerance) return start;

  let lo: BudgetMatch; // KL ≥ ε (smaller β)
  let hi: BudgetMatch; // KL ≤ ε (larger β)
  let factor = 1.05;
  if (start.kl > epsilon) {
    lo = start;
    hi = start;
    while (hi.kl > epsilon) {
      if (hi.beta >= BETA_MAX) return { ...hi, reached: false };
      lo = hi;
      hi = at(Math.min(BETA_MAX, hi.beta * factor));
      factor *= factor;
    }
  } else {
    hi = start;
    lo = start;
    while (lo.kl < epsilon) {
      if (lo.beta <= BETA_MIN) return { ...lo, reached: false };
      const next = at(Math.max(BETA_MIN, lo.beta / factor));
      factor *= factor;
      if (samePolicy(next.pi, lo.pi) && next.kl < epsilon) return { ...next, reached: false };
      hi = lo;
      lo = next;
    }
  }

  let best = Math.abs(lo.kl - epsilon) < Math.abs(hi.kl - epsilon) ? lo : hi;
  for (let step = 0; step < MAX_BISECTIONS && Math.abs(best.kl - epsilon) > tolerance; step++) {
    const beta = Math.sqrt(lo.beta) * Math.sqrt(hi.beta);
    if (!(beta > lo.beta && beta < hi.beta)) break;
    const mid = at(beta);
    if (mid.kl >= epsilon) lo = mid;
    else hi = mid;
    if (Math.abs(mid.kl - epsilon) < Math.abs(best.kl - epsilon)) best = mid;
  }
  return best;
}

/** Two policies equal to rounding: the β → 0 limit has been reached. */
function samePolicy(p: readonly number[], q: readonly number[]): boolean {
  for (let i = 0; i < p.length; i++) if (Math.abs(p[i] - q[i]) > 1e-15) return false;
  return true;
}

/** Start β for the KL-tilted policy from KL ≈ Var_π0(r)/(2β²) (second order in 1/β): β = √(Var_π0(r)/(2ε)). */
export function klTiltedBetaGuess(r: readonly number[], pi0: readonly number[], epsilon: number): number {
  let mean = 0;
  for (let i = 0; i < r.length; i++) mean += pi0[i] * r[i];
  let variance = 0;
  for (let i = 0; i < r.length; i++) variance += pi0[i] * (r[i] - mean) ** 2;
  return positiveOr1(Math.sqrt(variance / (2 * epsilon)));
}

/**
 * Start β for the variance-aware policy, interior solution π − π0 = (r − ν)/(βσ²) with ν the 1/σ²-weighted mean
 * of r, and KL ≈ Σ_i (π_i − π0_i)²/(2π0_i): β = √(Σ_i ((r_i − ν)/σ_i²)²/π0_i / (2ε)).
 */
export function varianceAwareBetaGuess(
  r: readonly number[],
  sigma2: readonly number[],
  pi0: readonly number[],
  epsilon: number,
): number {
  let weighted = 0;
  let weights = 0;
  for (let i = 0; i < r.length; i++) {
    weighted += r[i] / sigma2[i];
    weights += 1 / sigma2[i];
  }
  const nu = weighted / weights;
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += ((r[i] - nu) / sigma2[i]) ** 2 / pi0[i];
  return positiveOr1(Math.sqrt(sum / (2 * epsilon)));
}

/** A guess of 0 (equal rewards) or a non-finite one is useless as a start: fall back to 1. */
function positiveOr1(beta: number): number {
  return beta > 0 && Number.isFinite(beta) ? beta : 1;
}

/**
 * Start β for the variance-aware KL form, first order π_i − π0_i ≈ π0_i (r_i − ν)/(βw_i) with ν the π0/w-weighted
 * mean of r, and KL ≈ Σ_i (π_i − π0_i)²/(2π0_i): β = √(Σ_i π0_i ((r_i − ν)/w_i)² / (2ε)).
 */
export function varianceAwareKlBetaGuess(
  r: readonly number[],
  w: readonly number[],
  pi0: readonly number[],
  epsilon: number,
): number {
  let weighted = 0;
  let weights = 0;
  for (let i = 0; i < r.length; i++) {
    weighted += (pi0[i] * r[i]) / w[i];
    weights += pi0[i] / w[i];
  }
  const nu = weighted / weights;
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += pi0[i] * ((r[i] - nu) / w[i]) ** 2;
  return positiveOr1(Math.sqrt(sum / (2 * epsilon)));
}
