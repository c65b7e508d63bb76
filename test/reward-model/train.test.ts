import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { loadDataset } from "../../src/data/load.js";
import { poolRow, type RowPool } from "../../src/features/pool.js";
import { type TrainingData, trainingDataFromDataset } from "../../src/features/training-data.js";
import { dataFingerprint, loadCheckpoint, saveCheckpoint } from "../../src/reward-model/checkpoint.js";
import { memberSeeds } from "../../src/reward-model/ensemble.js";
import {
  freshState,
  type MemberState,
  TrainingDivergedError,
  trainGroup,
} from "../../src/reward-model/train.js";
import { initBackend } from "../../src/runtime/backend.js";

await initBackend("wasm");

const configFor = (head: "linear" | "mlp", extra: string[] = []) =>
  loadConfig(undefined, [
    "data.synthetic.prompts=200",
    "features.dimension=256",
    `rewardModel.head=${head}`,
    "rewardModel.hiddenUnits=8",
    "rewardModel.epochs=3",
    "rewardModel.batchSize=16",
    "rewardModel.bootstrap=true",
    ...extra,
  ]);

/** The synthetic data's rows, hashed (sparse) or as the same values in dense rows (as embeddings are). */
const dataFor = async (config: Config, rows: "sparse" | "dense" = "sparse"): Promise<TrainingData> => {
  const data = trainingDataFromDataset(await loadDataset(config.data, config.seed), config.features);
  if (rows === "sparse") return data;
  const pool = data.pool as RowPool;
  const dense = new Float32Array(pool.rows * pool.dimension);
  for (let r = 0; r < pool.rows; r++) {
    const { indices, values } = poolRow(pool, r);
    indices.forEach((j, k) => {
      dense[r * pool.dimension + j] = values[k];
    });
  }
  return { ...data, pool: { kind: "dense", dimension: pool.dimension, rows: pool.rows, data: dense } };
};

const starts = (config: Config, members: number[]) =>
  members.map((m) =>
    freshState(config.rewardModel, config.features.dimension, m, memberSeeds(config.seed, m, true)),
  );

/** Runs a group to the end and returns its final states. */
function finish(
  config: Config,
  data: Awaited<ReturnType<typeof dataFor>>,
  start: MemberState[],
): MemberState[] {
  let states = start;
  for (const progress of trainGroup(config.rewardModel, data, start)) {
    if (progress.epochEnd) states = progress.states();
  }
  return states;
}

const bytes = (state: MemberState) =>
  Object.values(state.params.tensors).map((t) =>
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength),
  );

for (const [head, rows] of [
  ["linear", "sparse"],
  ["mlp", "sparse"],
  ["linear", "dense"],
  ["mlp", "dense"],
] as const) {
  test(`${head} on ${rows} rows: a member trained in a group has the same bytes as trained alone`, async () => {
    const config = configFor(head);
    const data = await dataFor(config, rows);
    const together = finish(config, data, starts(config, [0, 1, 2]));
    const alone = finish(config, data, starts(config, [1]));
    assert.deepEqual(bytes(together[1]), bytes(alone[0]));
    assert.deepEqual(together[1].history, alone[0].history);
    assert.notDeepEqual(bytes(together[0]), bytes(together[1]), "members differ through their seeds");
    const last = together[0].history[2];
    assert.ok(last.validationAccuracy > 0.55, `learns: validation accuracy ${last.validationAccuracy}`);
    assert.ok(last.trainLoss < together[0].history[0].trainLoss, "training loss falls");
  });

  test(`${head} on ${rows} rows: resuming from a checkpoint, at an epoch's end or inside one, ends with the bytes of an uninterrupted run`, async () => {
    const config = configFor(head);
    const data = await dataFor(config, rows);
    const fingerprint = dataFingerprint(data);
    const uninterrupted = finish(config, data, starts(config, [0, 1]));
    // Pausing before every step (after the first): states one batch into epoch 2, and at the end of epoch 1.
    const points = new Map<string, MemberState[]>();
    for (const progress of trainGroup(config.rewardModel, data, starts(config, [0, 1]), 0)) {
      if (progress.epochEnd) points.set("at an epoch's end", progress.states());
      else if (points.has("at an epoch's end")) {
        points.set("inside an epoch", progress.states());
        break;
      }
    }
    assert.equal(points.get("inside an epoch")?.[0].position, 16, "one batch into epoch 2");
    for (const [where, saved] of points) {
      const dir = mkdtempSync(join(tmpdir(), "align-ckpt-"));
      for (const [g, state] of saved.entries()) saveCheckpoint(join(dir, `m${g}`), state, fingerprint);
      const restored = saved.map((_, g) => loadCheckpoint(join(dir, `m${g}`), fingerprint) as MemberState);
      assert.deepEqual(restored, saved);
      finish(config, data, restored).forEach((state, g) => {
        assert.deepEqual(bytes(state), bytes(uninterrupted[g]), `${where}: member ${g}`);
        assert.deepEqual(state.history, uninterrupted[g].history, `${where}: member ${g}`);
      });
    }
    const dir = mkdtempSync(join(tmpdir(), "align-ckpt-"));
    saveCheckpoint(dir, uninterrupted[0], fingerprint);
    assert.throws(
      () => loadCheckpoint(dir, { ...fingerprint, trainPairs: 1 }),
      /made from other training data/,
    );
  });
}

test("a member whose loss becomes NaN or infinite stops training with an error naming it", async () => {
  const config = configFor("linear", ["rewardModel.learningRate=1e39", "rewardModel.initScale=1e30"]);
  const data = await dataFor(config);
  assert.throws(
    () => finish(config, data, starts(config, [4])),
    (error: Error) =>
      error instanceof TrainingDivergedError &&
      /member 4: training diverged at epoch 1: loss is (NaN|Infinity)/.test(error.message),
  );
});
