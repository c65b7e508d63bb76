import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/config/load.js";
import { loadDataset } from "../../src/data/load.js";
import { trainingDataFromDataset } from "../../src/features/training-data.js";
import type { WorkerPool } from "../../src/jobs/pool.js";
import { runScheduled } from "../../src/jobs/schedule.js";
import { dataFingerprint } from "../../src/reward-model/checkpoint.js";
import { memberSeeds } from "../../src/reward-model/ensemble.js";
import {
  localGroup,
  type MemberPlan,
  runGroup,
  type TrainingEvent,
  type TrainingJob,
} from "../../src/reward-model/job.js";
import { initBackend } from "../../src/runtime/backend.js";

await initBackend("wasm");

const config = loadConfig(undefined, [
  "data.synthetic.prompts=60",
  "features.dimension=256",
  "rewardModel.members=5",
  "rewardModel.epochs=4",
  "rewardModel.bootstrap=true",
]);
const data = trainingDataFromDataset(await loadDataset(config.data, config.seed), config.features);
const plans: MemberPlan[] = Array.from({ length: 5 }, (_, member) => ({
  member,
  seeds: memberSeeds(config.seed, member, true),
}));

function jobIn(ensembleDir: string): TrainingJob {
  const { rewardModel, features } = config;
  return { rewardModel, features, backend: "wasm", ensembleDir, data, fingerprint: dataFingerprint(data) };
}

/** A stand-in for the worker pool: one worker, idle whenever asked, that trains what it is given at once. */
type Pool = WorkerPool<TrainingJob, MemberPlan[], TrainingEvent>;

function inlinePool(job: TrainingJob, given: MemberPlan[][]): Pool {
  let emit: Parameters<Pool["start"]>[1] = () => {};
  return {
    size: 1,
    start(_, onEvent, changed) {
      emit = onEvent;
      changed();
    },
    idle: () => 1,
    assign(group) {
      given.push(group);
      runGroup(job, group, emit);
    },
    check() {},
    drain: async () => {},
    close: async () => {},
  };
}

const files = (dir: string) =>
  readdirSync(dir)
    .sort()
    .flatMap((member) =>
      readdirSync(join(dir, member)).map((file) => [
        `${member}/${file}`,
        readFileSync(join(dir, member, file)),
      ]),
    );

test("groups handed to workers, whole or split off mid-training, train into the bytes of one group", async () => {
  const alone = mkdtempSync(join(tmpdir(), "align-schedule-"));
  runGroup(jobIn(alone), plans, () => {});
  const shared = mkdtempSync(join(tmpdir(), "align-schedule-"));
  const job = jobIn(shared);
  const given: MemberPlan[][] = [];
  const events: string[] = [];
  const emit = (event: { type: string }) => events.push(event.type);
  // With no minimum, this thread shares its group at its first pause whatever is left.
  await runScheduled(
    inlinePool(job, given),
    job,
    [plans.slice(0, 3), plans.slice(3)],
    (group) => localGroup(job, group, emit),
    emit,
    0,
  );
  assert.deepEqual(
    given.map((group) => group.map((p) => p.member)),
    [
      [3, 4],
      [1, 2],
    ],
    "the queued group at once, then a share of this thread's group at its first pause",
  );
  assert.equal(events.filter((e) => e === "member").length, 5);
  assert.deepEqual(files(shared), files(alone));
});
