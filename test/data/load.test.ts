import assert from "node:assert/strict";
import { test } from "node:test";
import { configSchema, type DataConfig } from "../../src/config/schema.js";
import { loadDataset } from "../../src/data/load.js";
import type { Dataset, PreferencePair } from "../../src/data/types.js";
import { fixture, userError } from "./fixture.js";

function dataConfig(data: Record<string, unknown>): DataConfig {
  return configSchema.parse({ data }).data;
}

const thirds = { train: 0.34, validation: 0.33, test: 0.33 };
const halves = { train: 0.5, validation: 0, test: 0.5 };

/** No prompt in two splits; candidate sets are exactly the test prompts. */
function checkPromptSplits(dataset: Dataset): void {
  const promptsOf = (pairs: PreferencePair[]) => new Set(pairs.map((p) => p.prompt));
  const train = promptsOf(dataset.pairs.train);
  const validation = promptsOf(dataset.pairs.validation);
  const testPrompts = promptsOf(dataset.pairs.test);
  for (const p of train) assert.ok(!validation.has(p) && !testPrompts.has(p));
  for (const p of validation) assert.ok(!testPrompts.has(p));
  for (const set of dataset.candidateSets) assert.ok(!train.has(set.prompt) && !validation.has(set.prompt));
  for (const p of testPrompts) assert.ok(dataset.candidateSets.some((set) => set.prompt === p));
}

test("loadDataset: synthetic, split by prompt, test candidate sets with gold rewards", async () => {
  const data = dataConfig({ synthetic: { prompts: 50 } });
  const dataset = await loadDataset(data, 1);
  checkPromptSplits(dataset);
  const { train, validation, test: testPairs } = dataset.pairs;
  assert.equal(train.length + validation.length + testPairs.length, 50 * 4);
  // 50 prompts: round(35) train, round(40) - 35 = 5 validation, 10 test.
  assert.equal(dataset.candidateSets.length, 10);
  assert.ok(
    dataset.candidateSets.every(
      (s) => s.candidates.length === 8 && s.candidates.every((c) => c.trueReward !== undefined),
    ),
  );
  assert.deepEqual(dataset.dropped, {});
  assert.match(dataset.source, /^synthetic/);
  assert.deepEqual(await loadDataset(data, 1), dataset, "deterministic");
});

test("loadDataset: maxPairs keeps the first pairs", async () => {
  const dataset = await loadDataset(dataConfig({ synthetic: { prompts: 50 }, maxPairs: 120 }), 1);
  const all = [...dataset.pairs.train, ...dataset.pairs.validation, ...dataset.pairs.test];
  assert.equal(all.length, 120);
  assert.ok(all.every((p) => Number(p.id.split(":")[0].split("-")[1]) < 30));
});

test("loadDataset: jsonl pairs; each test pair becomes a chosen/rejected candidate set", async () => {
  const dataset = await loadDataset(
    dataConfig({ source: "jsonl", path: fixture("jsonl/one-identical.jsonl"), splits: halves }),
    1,
  );
  checkPromptSplits(dataset);
  assert.deepEqual(dataset.dropped, { "identical-chosen-rejected": 1 });
  assert.equal(dataset.pairs.train.length, 1);
  assert.equal(dataset.pairs.test.length, 1);
  const [pair] = dataset.pairs.test;
  assert.deepEqual(dataset.candidateSets, [
    {
      id: pair.id,
      prompt: pair.prompt,
      candidates: [
        { id: "chosen", text: pair.chosen, trueReward: 1 },
        { id: "rejected", text: pair.rejected, trueReward: 0 },
      ],
    },
  ]);
});

test("loadDataset: hh-rlhf and csv sources", async () => {
  const hh = await loadDataset(
    dataConfig({
      source: "hh-rlhf",
      path: fixture("hh-rlhf/quirks.jsonl"),
      splits: halves,
      onEmptyResponse: "drop",
    }),
    1,
  );
  checkPromptSplits(hh);
  assert.deepEqual(hh.dropped, { "prefix-mismatch": 1, "empty-response": 1, "identical-chosen-rejected": 1 });
  assert.equal(hh.pairs.train.length + hh.pairs.test.length, 2);
  const csv = await loadDataset(
    dataConfig({
      source: "csv",
      path: fixture("csv/good.csv"),
      columns: { id: "pair", prompt: "question", chosen: "good", rejected: "bad" },
      splits: thirds,
    }),
    1,
  );
  checkPromptSplits(csv);
  assert.deepEqual([csv.pairs.train.length, csv.pairs.validation.length, csv.pairs.test.length], [1, 1, 1]);
  assert.equal(csv.candidateSets[0].id, csv.pairs.test[0].id);
});

test("loadDataset: alpaca-eval pairs come from each split's own instructions", async () => {
  const dataset = await loadDataset(
    dataConfig({
      source: "alpaca-eval",
      path: fixture("alpaca-eval/good.jsonl"),
      splits: halves,
      onEmptyResponse: "drop",
    }),
    1,
  );
  checkPromptSplits(dataset);
  assert.deepEqual(dataset.dropped, { "empty-response": 2, "too-few-candidates": 1 });
  assert.equal(dataset.candidateSets.length, 1);
  const [testSet] = dataset.candidateSets;
  const reward = new Map(testSet.candidates.map((c) => [c.text, c.trueReward as number]));
  for (const pair of dataset.pairs.test)
    assert.ok((reward.get(pair.chosen) as number) > (reward.get(pair.rejected) as number));
  // a0 has 5 eligible pairs at gap 0.1 and a1 has 1: all are drawn (6 per instruction asked).
  assert.equal(dataset.pairs.train.length + dataset.pairs.test.length, 6);
});

test("loadDataset: alpaca-eval maxPrompts reads that many instructions", async () => {
  const dataset = await loadDataset(
    dataConfig({
      source: "alpaca-eval",
      path: fixture("alpaca-eval/good.jsonl"),
      maxPrompts: 1,
      splits: { train: 1, validation: 0, test: 0 },
    }),
    1,
  );
  assert.equal(dataset.pairs.train.length, 5);
  assert.ok(dataset.pairs.train.every((pair) => pair.prompt === "Write a greeting."));
  assert.deepEqual(dataset.candidateSets, []);
  assert.match(dataset.source, /\(1 instructions\)/);
});

test("loadDataset: an empty split is an error naming data.splits", async () => {
  await assert.rejects(
    loadDataset(dataConfig({ source: "jsonl", path: fixture("jsonl/good.jsonl") }), 1),
    userError(/data\.splits: the validation split has no pairs/),
  );
  await assert.rejects(loadDataset(dataConfig({ synthetic: { prompts: 4 } }), 1), userError(/data\.splits/));
});

test("loadDataset: a file source without data.path is an error naming it", async () => {
  const data = { ...dataConfig({}), source: "jsonl" as const };
  await assert.rejects(loadDataset(data, 1), userError(/data\.path is required/));
});
