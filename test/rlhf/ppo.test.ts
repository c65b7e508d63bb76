import assert from "node:assert/strict";
import { test } from "node:test";
import { klDivergence, solveKlTilted, solveVarianceAwareKl } from "../../src/optimize/policy.js";
import { enableAutograd } from "../../src/rlhf/autograd.js";
import { candidatePolicy, candidateProbabilities } from "../../src/rlhf/candidate-policy.js";
import { type IterationStats, type PpoConfig, type PpoState, trainPpo } from "../../src/rlhf/ppo.js";
import { initBackend } from "../../src/runtime/backend.js";

/*
 * The oracle test of DESIGN.md: the PPO code, with a softmax policy over a candidate set, converges to the
 * exact optimum of the candidate-set solvers. Three prompts with four candidates, non-uniform π0, fixed r̂
 * and w. Tolerances: every π_i within 0.02 and KL(π‖π0) within 10% of the exact optimum's (the stochastic
 * gradient's noise vanishes at the optimum, where every shaped reward equals ν, so PPO settles close to it).
 */
const rewards = [
  [1, 0, -0.5, 0.3],
  [-1, 0.5, 0.2, 0],
  [0.4, 0.4, -0.8, 1.2],
];
const weights = [
  [0.4, 1.6, 1, 1],
  [1.5, 0.3, 1.2, 1],
  [1, 0.5, 2, 0.5],
];
const pi0 = [
  [0.25, 0.25, 0.25, 0.25],
  [0.4, 0.3, 0.2, 0.1],
  [0.1, 0.2, 0.3, 0.4],
];
const beta = 0.5;
const config: PpoConfig = {
  iterations: 400,
  promptsPerIteration: 3,
  samplesPerPrompt: 8,
  epochs: 2,
  minibatches: 2,
  learningRate: 0.05,
  clip: 0.2,
  maxGradNorm: 1,
  beta,
  baseline: "rloo",
};

async function converge(useWeights: boolean): Promise<void> {
  await initBackend("cpu");
  await enableAutograd();
  const logPi0 = pi0.map((row) => row.map(Math.log));
  const policy = candidatePolicy(logPi0, true, `policy-${useWeights}`);
  const reference = candidatePolicy(logPi0, false, `reference-${useWeights}`);
  const score = (prompts: number[], responses: number[][]) => ({
    reward: prompts.map((x, b) => rewards[x][responses[b][0]]),
    weight: prompts.map((x, b) => (useWeights ? weights[x][responses[b][0]] : 1)),
  });
  trainPpo(policy, reference, [0, 1, 2], score, config, 5);
  const pi = candidateProbabilities(policy, 3);
  for (let x = 0; x < 3; x++) {
    const exact = useWeights
      ? solveVarianceAwareKl(rewards[x], weights[x], pi0[x], beta)
      : solveKlTilted(rewards[x], pi0[x], beta);
    for (let i = 0; i < 4; i++) {
      assert.ok(Math.abs(pi[x][i] - exact[i]) < 0.02, `prompt ${x}: π ${pi[x]} vs exact ${exact}`);
    }
    const kl = klDivergence(pi[x], pi0[x]);
    const exactKl = klDivergence(exact, pi0[x]);
    assert.ok(Math.abs(kl - exactKl) < 0.1 * exactKl, `prompt ${x}: KL ${kl} vs exact ${exactKl}`);
  }
  for (const v of policy.variables) v.dispose();
}

test("PPO over a candidate set converges to the standard (KL-tilted) optimum", async () => {
  await converge(false);
});

test("PPO with per-response weights w converges to the variance-aware-kl optimum", async () => {
  await converge(true);
});

test("PPO continued from the state of an iteration takes the steps of an unbroken run, to the bit", async () => {
  await initBackend("cpu");
  await enableAutograd();
  const logPi0 = pi0.map((row) => row.map(Math.log));
  const short = { ...config, iterations: 7, promptsPerIteration: 2 };
  const score = (prompts: number[], responses: number[][]) => ({
    reward: prompts.map((x, b) => rewards[x][responses[b][0]]),
    weight: prompts.map((x, b) => weights[x][responses[b][0]]),
  });
  const train = (name: string, stop?: number, start?: PpoState) => {
    const policy = candidatePolicy(logPi0, true, `policy-${name}`);
    const reference = candidatePolicy(logPi0, false, `reference-${name}`);
    const stats: IterationStats[] = [];
    let saved: PpoState | undefined;
    trainPpo(
      policy,
      reference,
      [0, 1, 2],
      score,
      short,
      5,
      (s, state) => {
        stats.push(s);
        if (s.iteration === stop) saved = state();
      },
      start,
    );
    const weights = Float32Array.from(policy.variables[0].dataSync());
    for (const v of [...policy.variables, ...reference.variables]) v.dispose();
    return { stats, weights, saved };
  };
  const unbroken = train("unbroken", 2);
  const resumed = train("resumed", undefined, unbroken.saved);
  // Two iterations of two prompts: a cycle of the three and one prompt into the next (order and cursor matter).
  assert.equal(unbroken.saved?.cursor, 1);
  assert.deepEqual(
    resumed.stats.map((s) => s.iteration),
    [3, 4, 5, 6, 7],
  );
  assert.deepEqual(resumed.stats, unbroken.stats.slice(2));
  assert.deepEqual(resumed.weights, unbroken.weights);
});
