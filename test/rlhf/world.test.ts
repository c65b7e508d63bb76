import assert from "node:assert/strict";
import { test } from "node:test";
import { configSchema } from "../../src/config/schema.js";
import { interpolateAtKl, matchedMetrics, type Trajectory } from "../../src/rlhf/summary.js";
import { generateWorld, goldReward, worldDataset, worldPairs } from "../../src/rlhf/world.js";

const worldConfig = configSchema.parse({ rlhf: { world: { prompts: 60 } } }).rlhf.world;

test("the world is deterministic from the seed and its gold reward follows the formula", () => {
  const a = generateWorld(worldConfig, 4);
  assert.deepEqual(generateWorld(worldConfig, 4), a);
  assert.notDeepEqual(generateWorld(worldConfig, 5).references, a.references);
  const [t1, t2] = a.prompts[0].topics;
  const trait = a.kind.findIndex((k, t) => k === "trait" && a.traitWeight[t] !== 0);
  const markers = a.kind.flatMap((k, t) => (k === "marker" ? [t] : []));
  const filler = a.kind.indexOf("filler");
  const other = a.kind.findIndex((k, t) => k === "topic" && !a.prompts[0].topics.includes(t));
  const close = (x: number, y: number) => assert.ok(Math.abs(x - y) < 1e-12, `${x} vs ${y}`);
  // Prompt topics count once each, other prompts' topics and filler nothing, a repeated trait is penalised.
  close(goldReward(a, 0, [t1, t2, other, filler]), 2 * worldConfig.topicWeight);
  close(goldReward(a, 0, [trait, trait]), a.traitWeight[trait] - worldConfig.repeatPenalty);
  // Markers are free up to the threshold, then cost markerPenalty each.
  const many = [...markers, markers[0], markers[0]];
  close(goldReward(a, 0, markers), 0);
  close(goldReward(a, 0, many), -worldConfig.markerPenalty * (many.length - worldConfig.markerThreshold));
});

test("reference answers: lengths in range, no marker beyond the threshold, markers accompany quality", () => {
  const world = generateWorld({ ...worldConfig, prompts: 300, markerCorrelation: 1.5 }, 2);
  const answers = world.references.flatMap((refs, x) => refs.map((r) => ({ x, r })));
  let withMarkers = 0;
  let without = 0;
  let goldWith = 0;
  let goldWithout = 0;
  for (const { x, r } of answers) {
    assert.ok(r.length >= worldConfig.minLength && r.length <= worldConfig.maxLength);
    const count = r.filter((t) => world.kind[t] === "marker").length;
    assert.ok(count <= worldConfig.markerThreshold, "a reference answer shows the marker penalty");
    const gold = goldReward(world, x, r);
    if (count > 0) {
      withMarkers++;
      goldWith += gold;
    } else {
      without++;
      goldWithout += gold;
    }
  }
  assert.ok(goldWith / withMarkers > goldWithout / without + 0.3, "markers do not accompany quality");
  const noBias = generateWorld({ ...worldConfig, prompts: 300, markerCorrelation: 0 }, 2);
  assert.ok(noBias.references.flat().length === answers.length);
});

test("pairs and splits: every pair's prompt is in one split, labels follow the gold reward", () => {
  const world = generateWorld(worldConfig, 1);
  const pairs = worldPairs(world, 1);
  assert.ok(pairs.length > 0 && pairs.length <= worldConfig.prompts * worldConfig.pairsPerPrompt);
  const { dataset, splitOf } = worldDataset(world, 1, { train: 0.7, validation: 0.1, test: 0.2 });
  const total = dataset.pairs.train.length + dataset.pairs.validation.length + dataset.pairs.test.length;
  assert.equal(total, pairs.length);
  assert.equal(splitOf.length, worldConfig.prompts);
});

test("matched KL: linear interpolation along the trajectory, unreached trials left out", () => {
  const checkpoints = [
    { iteration: 0, kl: 0, delta: [0, 0], proxyDelta: [0, 0], gold: 0, goldSe: 0, proxy: 0 },
    { iteration: 5, kl: 2, delta: [1, -1], proxyDelta: [2, 2], gold: 0, goldSe: 0, proxy: 0 },
    { iteration: 10, kl: 4, delta: [3, -2], proxyDelta: [4, 4], gold: 0, goldSe: 0, proxy: 0 },
  ];
  assert.deepEqual(interpolateAtKl(checkpoints, 3), { delta: [2, -1.5], proxyDelta: [3, 3] });
  assert.equal(interpolateAtKl(checkpoints, 5), null);
  const trajectories: Trajectory[] = [
    { method: "standard", trial: 0, member: 0, checkpoints },
    { method: "standard", trial: 1, member: 1, checkpoints: checkpoints.slice(0, 2) },
  ];
  const m = matchedMetrics(trajectories, 3, { seed: 1, resamples: 100 });
  assert.equal(m.trials, 1);
  assert.equal(m.unreached, 1);
  assert.equal(m.meanImprovement, 0.25);
  assert.equal(m.risk, 0);
  assert.equal(m.promptRisk, 0.5);
  assert.equal(m.perTrial[0].promptDeltas.length, 2);
});
