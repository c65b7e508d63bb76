import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig } from "../../src/config/load.js";
import { shardItems } from "../../src/jobs/shard.js";
import { UserError } from "../../src/runtime/errors.js";
import { parseGrid, sweepPoints } from "../../src/sweep/points.js";

test("parseGrid splits values at top-level commas only", () => {
  assert.deepEqual(parseGrid("rewardModel.members=2,3,5"), {
    key: "rewardModel.members",
    values: ["2", "3", "5"],
  });
  assert.deepEqual(parseGrid("optimize.budgets=[0.1,1],[1]"), {
    key: "optimize.budgets",
    values: ["[0.1,1]", "[1]"],
  });
  assert.throws(() => parseGrid("members"), UserError);
  assert.throws(() => parseGrid("a=1,,2"), /empty value/);
  assert.throws(() => parseGrid("a=1,1"), /repeated/);
});

test("sweepPoints: every combination at every seed, the first grid slowest, each config validated", () => {
  const base = loadConfig(undefined, ["seed=5"]);
  const grids = [parseGrid("rewardModel.members=2,3"), parseGrid("data.synthetic.pairsPerPrompt=1,4,8")];
  const points = sweepPoints(base, grids, 2);
  assert.equal(points.length, 2 * 3 * 2);
  assert.deepEqual(
    points.map((p) => p.index),
    points.map((_, i) => i),
  );
  assert.deepEqual(points[0].settings, {
    "rewardModel.members": 2,
    "data.synthetic.pairsPerPrompt": 1,
    seed: 5,
  });
  assert.deepEqual(points[1].settings, {
    "rewardModel.members": 2,
    "data.synthetic.pairsPerPrompt": 1,
    seed: 6,
  });
  assert.deepEqual(points[11].settings, {
    "rewardModel.members": 3,
    "data.synthetic.pairsPerPrompt": 8,
    seed: 6,
  });
  assert.equal(points[11].config.rewardModel.members, 3);
  assert.equal(points[11].config.data.synthetic.pairsPerPrompt, 8);
  assert.equal(points[11].config.seed, 6);
  assert.equal(points[3].name, "003_rewardModel.members=2_data.synthetic.pairsPerPrompt=4_seed=6");
  assert.equal(new Set(points.map((p) => p.name)).size, points.length);
  // Shard i of n: the points p with p mod n = i; the shards partition the sweep.
  const shards = [0, 1, 2].map((index) => shardItems(points.length, { index, count: 3, from: "test" }));
  assert.deepEqual(shards[1], [1, 4, 7, 10]);
  assert.deepEqual(
    shards.flat().sort((a, b) => a - b),
    points.map((p) => p.index),
  );
});

test("sweepPoints rejects a bad key or value before anything runs", () => {
  const base = loadConfig(undefined);
  assert.throws(() => sweepPoints(base, [parseGrid("rewardModel.member=2,3")], 1), /rewardModel\.member/);
  assert.throws(
    () => sweepPoints(base, [parseGrid("rewardModel.members=2,many")], 1),
    /rewardModel\.members/,
  );
  assert.throws(() => sweepPoints(base, [parseGrid("seed=1,2")], 1), /--seeds/);
  assert.throws(() => sweepPoints(base, [parseGrid("a.b=1"), parseGrid("a.b=2")], 1), /given twice/);
  assert.throws(() => sweepPoints(base, [], 0), /--seeds/);
});
