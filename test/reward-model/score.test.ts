import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig } from "../../src/config/load.js";
import { featurize } from "../../src/features/hashing.js";
import { rowPoolOf } from "../../src/features/pool.js";
import { pairAccuracy } from "../../src/reward-model/accuracy.js";
import { initParams } from "../../src/reward-model/params.js";
import { scoreMembers } from "../../src/reward-model/score.js";
import { initBackend } from "../../src/runtime/backend.js";

await initBackend("wasm");

test("members scored together get the rewards they get alone, the linear one equal to x·w", () => {
  const config = loadConfig(undefined, [
    "features.dimension=64",
    "rewardModel.hiddenUnits=4",
    "rewardModel.initScale=0.5",
  ]);
  const rows = ["a good answer", "a bad answer", "", "good good good"].map((t) =>
    featurize("", t, config.features),
  );
  const pool = rowPoolOf(rows, 64);
  for (const head of ["linear", "mlp"] as const) {
    const members = [1, 2, 3].map((seed) => initParams({ ...config.rewardModel, head }, 64, seed));
    const together = scoreMembers(members, pool);
    for (const [m, member] of members.entries()) {
      assert.deepEqual(scoreMembers([member], pool)[0], together[m], `${head} member ${m}`);
    }
    if (head === "linear") {
      const w = members[0].tensors.w.data;
      rows.forEach((row, i) => {
        const want = row.indices.reduce((sum, j, k) => sum + w[j] * row.values[k], 0);
        assert.ok(Math.abs(together[0][i] - want) < 1e-6, `row ${i}`);
      });
      assert.equal(together[0][2], 0, "an empty row scores 0");
    }
  }
});

test("pair accuracy counts ties as half", () => {
  assert.equal(pairAccuracy([1, -1, 0, 2]), 0.625);
  assert.ok(Number.isNaN(pairAccuracy([])));
});

test("heads trained on other features than the rows to score are a user error naming both widths", () => {
  const config = loadConfig(undefined, ["features.dimension=64"]);
  const member = initParams(config.rewardModel, 32, 1);
  const pool = rowPoolOf([featurize("", "text", config.features)], 64);
  assert.throws(
    () => scoreMembers([member], pool),
    /dimension mismatch: the reward heads take 32 features, the texts have 64/,
  );
});
