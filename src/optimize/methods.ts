import type { MethodName } from "../config/schema.js";
import type { PromptEstimates } from "./estimates.js";

/**
 * The policy solvers of policy.ts: the KL-regularised tilt, the variance-aware quadratic form, its KL
 * form (per-response temperature βw_i), and the quadratic form with Σ = I.
 */
export type Solver = "kl-tilted" | "variance-aware" | "variance-aware-kl" | "euclidean";

/** How a method optimises: its reward estimate, its solver, and whether it needs the ensemble's variance. */
export interface MethodSpec {
  /** One trial per member (r̂ = that member's scores) when optimize.estimate is "member". */
  perMember: boolean;
  /** r̂ from the whole ensemble: the method's only trial, or its trial under optimize.estimate "mean". */
  estimate: (e: PromptEstimates) => number[];
  solver: Solver;
  needsVariance: boolean;
}

/** Every optimisation method of DESIGN.md; a method missing here is a type error. */
export const methods: Record<MethodName, MethodSpec> = {
  standard: { perMember: true, estimate: (e) => e.mean, solver: "kl-tilted", needsVariance: false },
  "variance-aware": {
    perMember: true,
    estimate: (e) => e.mean,
    solver: "variance-aware",
    needsVariance: true,
  },
  mean: { perMember: false, estimate: (e) => e.mean, solver: "kl-tilted", needsVariance: false },
  "worst-case": { perMember: false, estimate: (e) => e.worst, solver: "kl-tilted", needsVariance: false },
  "uncertainty-weighted": {
    perMember: false,
    estimate: (e) => e.weighted,
    solver: "kl-tilted",
    needsVariance: true,
  },
  "variance-aware-kl": {
    perMember: true,
    estimate: (e) => e.mean,
    solver: "variance-aware-kl",
    needsVariance: true,
  },
  euclidean: { perMember: true, estimate: (e) => e.mean, solver: "euclidean", needsVariance: false },
};
