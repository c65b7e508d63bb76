import { normalCdf } from "./normal.js";

/**
 * Closed-form risks P(Δ < 0), Δ = (π − π0)ᵀr*, of the linearised problem for one instance: uniform π0, true
 * reward r* centred (1ᵀr* = 0), estimate r̂ = r* + e with e ~ N(0, Σ), Σ = diag(σ²).
 *
 * Standard: the KL-tilted policy to first order in 1/β, π − π0 = (1/(Kβ))(I − 11ᵀ/K)r̂, and the Euclidean one
 * with the sum-to-one constraint, π − π0 = (1/β)(I − 11ᵀ/K)r̂, give the same sign: since (I − 11ᵀ/K)r* = r*,
 * Δ ∝ r*ᵀr̂ ~ N(‖r*‖², ‖r*‖²_Σ), so P(Δ < 0) = Φ(−‖r*‖²/‖r*‖_Σ).
 *
 * Variance-aware, interior solution with the sum-to-one constraint: π − π0 = (1/β)·P·r̂ with
 * P = Σ⁻¹ − Σ⁻¹11ᵀΣ⁻¹/(1ᵀΣ⁻¹1). As PΣP = P, Δ ∝ r*ᵀP r̂ ~ N(r*ᵀPr*, r*ᵀPr*), so
 * P(Δ < 0) = Φ(−√(r*ᵀPr*)) with r*ᵀPr* = r*ᵀΣ⁻¹r* − (1ᵀΣ⁻¹r*)²/(1ᵀΣ⁻¹1) = min_c ‖r* − c1‖²_{Σ⁻¹}.
 * The constraint subtracts the second term even for centred r* (the Σ⁻¹-weighted mean of r* is not 0).
 * Without the constraint (the paper's form), π − π0 = (1/β)Σ⁻¹r̂ and P(Δ < 0) = Φ(−‖r*‖_{Σ⁻¹}), a lower bound.
 *
 * In the linearised problem the sign of Δ does not depend on β, so each risk holds at every (small) budget.
 *
 * Order: Φ(−‖r*‖_{Σ⁻¹}) ≤ Φ(−√(r*ᵀPr*)) ≤ Φ(−‖r*‖²/‖r*‖_Σ). The second by Cauchy-Schwarz: for any c,
 * ‖r*‖² = (r* − c1)ᵀr* = (Σ^{-1/2}(r* − c1))ᵀ(Σ^{1/2}r*) ≤ ‖r* − c1‖_{Σ⁻¹}·‖r*‖_Σ; minimise over c.
 */

/** Standard (L2 or linearised KL): Φ(−‖r*‖² / ‖r*‖_Σ). */
export function standardRisk(rStar: readonly number[], sigma2: readonly number[]): number {
  let squared = 0;
  let weighted = 0;
  for (let i = 0; i < rStar.length; i++) {
    squared += rStar[i] ** 2;
    weighted += sigma2[i] * rStar[i] ** 2;
  }
  return normalCdf(-squared / Math.sqrt(weighted));
}

/** Variance-aware with the sum-to-one constraint: Φ(−√(r*ᵀΣ⁻¹r* − (1ᵀΣ⁻¹r*)²/(1ᵀΣ⁻¹1))). */
export function varianceAwareRisk(rStar: readonly number[], sigma2: readonly number[]): number {
  let quadratic = 0;
  let linear = 0;
  let total = 0;
  for (let i = 0; i < rStar.length; i++) {
    quadratic += rStar[i] ** 2 / sigma2[i];
    linear += rStar[i] / sigma2[i];
    total += 1 / sigma2[i];
  }
  return normalCdf(-Math.sqrt(Math.max(0, quadratic - (linear * linear) / total)));
}

/** Variance-aware without the constraint (the paper's formula): Φ(−‖r*‖_{Σ⁻¹}) = Φ(−√(r*ᵀΣ⁻¹r*)). */
export function varianceAwareRiskUnconstrained(rStar: readonly number[], sigma2: readonly number[]): number {
  let quadratic = 0;
  for (let i = 0; i < rStar.length; i++) quadratic += rStar[i] ** 2 / sigma2[i];
  return normalCdf(-Math.sqrt(quadratic));
}
