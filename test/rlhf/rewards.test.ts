import assert from "node:assert/strict";
import { test } from "node:test";
import { estimates, type ReferenceStats, trialRewards } from "../../src/rlhf/rewards.js";

/* Two prompts, three members, two responses (one per prompt). Offsets centre each member's scores per prompt. */
const stats: ReferenceStats = {
  offset: [
    [1, 0, -1],
    [0, 0, 0],
  ],
  meanVariance: [0.5, 2],
};
const raw = [
  [2, 1],
  [1, 3],
  [0, 2],
];
const prompts = [0, 1];

test("member scores are centred by their reference offsets; σ² is the sample variance across members", () => {
  const e = estimates(raw, prompts, stats);
  assert.deepEqual(
    e.members.map((m) => m[0]),
    [1, 1, 1],
  );
  assert.deepEqual(e.mean, [1, 2]);
  assert.equal(e.variance[0], 1e-6, "floored");
  assert.equal(e.variance[1], 1);
});

test("r̂ and w per method: w = (σ² + τ²)/(σ̄² + τ²), τ² = 0 for variance-aware-raw, w ≡ 1 otherwise", () => {
  const e = estimates(raw, prompts, stats);
  const standard = trialRewards({ method: "standard", member: 1 }, e, prompts, stats, 0.5, 1);
  assert.deepEqual(standard, { reward: [1, 3], weight: [1, 1] });
  const aware = trialRewards({ method: "variance-aware", member: 1 }, e, prompts, stats, 0.5, 1);
  assert.deepEqual(aware.reward, [1, 3]);
  assert.ok(Math.abs(aware.weight[0] - (1e-6 + 0.5) / (0.5 + 0.5)) < 1e-12);
  assert.ok(Math.abs(aware.weight[1] - (1 + 0.5) / (2 + 0.5)) < 1e-12);
  const raw0 = trialRewards({ method: "variance-aware-raw", member: 0 }, e, prompts, stats, 0.5, 1);
  assert.ok(Math.abs(raw0.weight[1] - 1 / 2) < 1e-12);
  assert.deepEqual(
    trialRewards({ method: "worst-case", member: null }, e, prompts, stats, 0, 1).reward,
    [1, 1],
  );
  assert.deepEqual(trialRewards({ method: "mean", member: null }, e, prompts, stats, 0, 1).reward, [1, 2]);
  const weighted = trialRewards({ method: "uncertainty-weighted", member: null }, e, prompts, stats, 0, 2);
  assert.ok(Math.abs(weighted.reward[1] - (2 - 2 * 1)) < 1e-12);
});
