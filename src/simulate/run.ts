import type { SimulateConfig } from "../config/schema.js";
import { klTiltedBetaGuess, matchKlBudget, varianceAwareBetaGuess } from "../optimize/budget.js";
import { ensembleVariance } from "../optimize/estimates.js";
import { isWorse, promptImprovement, rewardScale } from "../optimize/evaluate.js";
import { solveKlTilted, solveVarianceAware } from "../optimize/policy.js";
import { createRng, deriveSeed } from "../runtime/random.js";
import { bootstrapUnits, INTERVAL_LEVEL, type Interval, meanAt } from "../stats/bootstrap.js";
import { standardRisk, varianceAwareRisk, varianceAwareRiskUnconstrained } from "./closed-form.js";
import { drawEstimate, drawInstance, type Instance } from "./model.js";

/**
 * Monte-Carlo study of the theoretical model. For each instance and noise draw, both policies are solved at
 * every KL budget from the same r̂ (common random numbers across methods, budgets and ensemble sizes):
 * standard = KL-tilted on r̂; variance-aware = the QP with the true Σ, or with Σ estimated from N members.
 * Ensemble of N: N draws r̂_1..r̂_N ~ N(r*, Σ), Σ̂ = diag(sample variance, n − 1). The reward estimate is the
 * first member r̂_1: the same r̂ as in the Σ-known runs and, as in `align optimize` (σ² from the whole ensemble),
 * one of the draws behind Σ̂. Σ̂ is then larger where r̂_1's own error is large, which helps the variance-aware
 * policy: for moderate N its risk can fall below the Σ-known one, and it tends to it as N grows.
 */

export interface RiskEstimate {
  /** Monte-Carlo P(Δ < 0) over instances × draws. */
  risk: number;
  /**
   * Binomial standard error √(p(1 − p)/(I·D)). Given the instances, draws are independent Bernoulli(p_j), so the
   * exact error is √(Σ_j p_j(1 − p_j))/(I·√D) ≤ this: it is slightly conservative.
   */
  standardError: number;
  /** Mean Δ = (π − π0)ᵀr*. */
  meanImprovement: number;
  meanAchievedKl: number;
  /** Fraction of draws where the budget was beyond reach. */
  unreached: number;
  /** 95% interval of the risk: bootstrap over instances, each with its draws (see SimulationSummary). */
  interval: Interval;
}

export interface SimulationSummary {
  seed: number;
  responses: number;
  instances: number;
  draws: number;
  /** Closed forms of the linearised problem, averaged over instances (budget-free: see closed-form.ts). */
  closedForm: { standard: number; varianceAware: number; varianceAwareUnconstrained: number };
  /** difference: variance-aware (Σ known) minus standard risk, paired over instances and their draws. */
  budgets: { kl: number; standard: RiskEstimate; varianceAware: RiskEstimate; difference: Interval }[];
  /** Variance-aware with Σ estimated from N members, per budget. */
  estimatedSigma: { members: number; budgets: ({ kl: number } & RiskEstimate)[] }[];
  intervals: { level: number; test: string; resamples: number };
}

const INTERVAL_TEST =
  "percentile bootstrap over instances, each instance with all its noise draws (a cluster); " +
  "differences paired: both methods solve the same draws";

// The risk only needs the sign of Δ: matching the KL to 0.01% is ample and halves the bisection steps.
const RELATIVE_TOLERANCE = 1e-3;
// Sample variances of N ≥ 2 continuous draws are positive, but can be arbitrarily small.
const VARIANCE_FLOOR_FACTOR = 1e-12;

interface Tally {
  worse: number;
  /** Draws with Δ < 0, per instance. */
  worseByInstance: Float64Array;
  improvement: number;
  kl: number;
  unreached: number;
}

export function runSimulation(config: SimulateConfig, seed: number, resamples = 1000): SimulationSummary {
  const steps = simulationSteps(config, seed, resamples);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The simulation, one instance at a time: yields the number of instances done after each (for
 * progress), and returns the summary.
 */
export function* simulationSteps(
  config: SimulateConfig,
  seed: number,
  resamples = 1000,
): Generator<number, SimulationSummary> {
  const k = config.responses;
  const pi0 = new Array<number>(k).fill(1 / k);
  const memberCounts = [...new Set(config.memberCounts)];
  const largestEnsemble = Math.max(...memberCounts);
  const floor = VARIANCE_FLOOR_FACTOR * config.noiseMin ** 2;
  const newTallies = () =>
    config.budgets.map(
      (): Tally => ({
        worse: 0,
        worseByInstance: new Float64Array(config.instances),
        improvement: 0,
        kl: 0,
        unreached: 0,
      }),
    );
  const standard = newTallies();
  const varianceAware = newTallies();
  const estimated = memberCounts.map(newTallies);
  const closed = { standard: 0, varianceAware: 0, varianceAwareUnconstrained: 0 };

  for (let j = 0; j < config.instances; j++) {
    const rng = createRng(deriveSeed(seed, "simulate", "instance", j));
    const instance = drawInstance(rng, config);
    closed.standard += standardRisk(instance.rStar, instance.sigma2) / config.instances;
    closed.varianceAware += varianceAwareRisk(instance.rStar, instance.sigma2) / config.instances;
    closed.varianceAwareUnconstrained +=
      varianceAwareRiskUnconstrained(instance.rStar, instance.sigma2) / config.instances;
    for (let d = 0; d < config.draws; d++) {
      const members = Array.from({ length: largestEnsemble }, () => drawEstimate(rng, instance));
      const rHat = members[0];
      const estimatedSigma2 = memberCounts.map((n) => ensembleVariance(members.slice(0, n), floor));
      config.budgets.forEach((epsilon, b) => {
        const tiltedStart = klTiltedBetaGuess(rHat, pi0, epsilon);
        tally(standard[b], j, instance, pi0, epsilon, (beta) => solveKlTilted(rHat, pi0, beta), tiltedStart);
        const awareSolve = (sigma2: number[]) => (beta: number) =>
          solveVarianceAware(rHat, sigma2, pi0, beta);
        const awareStart = (sigma2: number[]) => varianceAwareBetaGuess(rHat, sigma2, pi0, epsilon);
        tally(
          varianceAware[b],
          j,
          instance,
          pi0,
          epsilon,
          awareSolve(instance.sigma2),
          awareStart(instance.sigma2),
        );
        estimatedSigma2.forEach((sigma2, n) => {
          tally(estimated[n][b], j, instance, pi0, epsilon, awareSolve(sigma2), awareStart(sigma2));
        });
      });
    }
    yield j + 1;
  }

  const total = config.instances * config.draws;
  const boot = (name: string, perInstance: Float64Array) =>
    bootstrapUnits(config.instances, (i) => meanAt(perInstance, i) / config.draws, {
      seed: deriveSeed(seed, "bootstrap", "simulate", name),
      resamples,
    });
  const riskEstimate = (t: Tally, name: string): RiskEstimate => ({
    ...riskSummary(t, total),
    interval: boot(name, t.worseByInstance),
  });
  return {
    seed,
    responses: k,
    instances: config.instances,
    draws: config.draws,
    closedForm: closed,
    budgets: config.budgets.map((kl, b) => ({
      kl,
      standard: riskEstimate(standard[b], `standard/${kl}`),
      varianceAware: riskEstimate(varianceAware[b], `variance-aware/${kl}`),
      difference: boot(
        `difference/${kl}`,
        varianceAware[b].worseByInstance.map((w, j) => w - standard[b].worseByInstance[j]),
      ),
    })),
    estimatedSigma: memberCounts.map((members, n) => ({
      members,
      budgets: config.budgets.map((kl, b) => ({
        kl,
        ...riskEstimate(estimated[n][b], `estimated/${members}/${kl}`),
      })),
    })),
    intervals: { level: INTERVAL_LEVEL, test: INTERVAL_TEST, resamples },
  };
}

/** Solves at the matched budget and adds the outcome to the tally. */
function tally(
  into: Tally,
  instanceIndex: number,
  instance: Instance,
  pi0: number[],
  epsilon: number,
  solve: (beta: number) => number[],
  betaStart: number,
): void {
  const match = matchKlBudget(solve, pi0, epsilon, { betaStart, relativeTolerance: RELATIVE_TOLERANCE });
  const delta = promptImprovement(match.pi, pi0, instance.rStar);
  if (isWorse(delta, rewardScale(instance.rStar))) {
    into.worse++;
    into.worseByInstance[instanceIndex]++;
  }
  into.improvement += delta;
  into.kl += match.kl;
  if (!match.reached) into.unreached++;
}

/** Risk p = worse/n with its binomial standard error √(p(1 − p)/n), and the means. */
function riskSummary(t: Tally, n: number): Omit<RiskEstimate, "interval"> {
  const risk = t.worse / n;
  return {
    risk,
    standardError: Math.sqrt((risk * (1 - risk)) / n),
    meanImprovement: t.improvement / n,
    meanAchievedKl: t.kl / n,
    unreached: t.unreached / n,
  };
}
