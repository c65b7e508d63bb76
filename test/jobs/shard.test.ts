import assert from "node:assert/strict";
import { test } from "node:test";
import { parseShard, resolveShard, shardItems } from "../../src/jobs/shard.js";

test("--shard i/n picks the members m with m mod n = i", () => {
  assert.deepEqual(parseShard("1/3"), { index: 1, count: 3, from: "--shard 1/3" });
  assert.deepEqual(shardItems(10, parseShard("1/3")), [1, 4, 7]);
  assert.deepEqual(shardItems(4, undefined), [0, 1, 2, 3]);
  assert.deepEqual(shardItems(2, parseShard("3/4")), []);
  for (const bad of ["3/3", "1", "-1/2", "a/b", "1/0"]) assert.throws(() => parseShard(bad), /--shard/, bad);
});

test("a SLURM job array gives the shard, counted from the array's first task in its steps", () => {
  const env = {
    SLURM_ARRAY_TASK_ID: "7",
    SLURM_ARRAY_TASK_COUNT: "4",
    SLURM_ARRAY_TASK_MIN: "1",
    SLURM_ARRAY_TASK_STEP: "2",
  };
  assert.deepEqual(resolveShard(undefined, undefined, env), { index: 3, count: 4, from: "SLURM job array" });
  assert.deepEqual(
    resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: "0", SLURM_ARRAY_TASK_COUNT: "2" })?.index,
    0,
  );
  assert.equal(resolveShard("1/2", undefined, env)?.from, "--shard 1/2", "the flag wins");
  assert.throws(
    () => resolveShard(undefined, undefined, { ...env, SLURM_ARRAY_TASK_ID: "8" }),
    /not in the array/,
  );
});

test("a Kubernetes Indexed Job gives the index; the count comes from the flag or the config", () => {
  const env = { JOB_COMPLETION_INDEX: "2" };
  assert.deepEqual(resolveShard(undefined, 3, env), { index: 2, count: 3, from: "Kubernetes Indexed Job" });
  assert.throws(() => resolveShard(undefined, undefined, env), /--shard-count/);
  assert.throws(() => resolveShard(undefined, 2, env), /not below the shard count 2/);
  assert.equal(resolveShard(undefined, 3, {}), undefined, "no scheduler: every member");
});
