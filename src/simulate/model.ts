import type { SimulateConfig } from "../config/schema.js";
import { centre } from "../optimize/estimates.js";
import type { Rng } from "../runtime/random.js";

/** The paper's theoretical model: K responses, true reward r*, noisy estimate r̂ ~ N(r*, Σ), Σ = diag(σ²). */

export interface Instance {
  /** True reward, centred: r*_i = s·z_i − mean, z_i ~ N(0, 1), s = rewardScale. */
  rStar: number[];
  /** Noise std per response, σ_i ~ U[noiseMin, noiseMax]. */
  sigma: number[];
  sigma2: number[];
}

/** One instance of the model. */
export function drawInstance(rng: Rng, config: SimulateConfig): Instance {
  const k = config.responses;
  const rStar = centre(Array.from({ length: k }, () => config.rewardScale * rng.normal()));
  const sigma = Array.from(
    { length: k },
    () => config.noiseMin + (config.noiseMax - config.noiseMin) * rng.next(),
  );
  return { rStar, sigma, sigma2: sigma.map((s) => s * s) };
}

/** One reward-model draw: r̂_i = r*_i + σ_i z_i, z_i ~ N(0, 1). */
export function drawEstimate(rng: Rng, instance: Instance): number[] {
  return instance.rStar.map((r, i) => r + instance.sigma[i] * rng.normal());
}
