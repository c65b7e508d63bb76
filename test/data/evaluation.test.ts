import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { configSchema } from "../../src/config/schema.js";
import { heldOutFrom, PROMPT_IN_TRAINING } from "../../src/data/evaluation.js";
import type { CandidateSet, Dataset, PreferencePair } from "../../src/data/types.js";
import { stageRequest } from "../../src/run/stage.js";
import { writeAlpacaFile } from "./alpaca-file.js";
import { userError } from "./fixture.js";

const pair = (prompt: string): PreferencePair => ({ id: prompt, prompt, chosen: "a", rejected: "b" });
const set = (prompt: string): CandidateSet => ({
  id: prompt,
  prompt,
  candidates: [
    { id: "x", text: "a", trueReward: 1 },
    { id: "y", text: "b", trueReward: 0 },
  ],
});
const dataset = (train: string[], validation: string[], test: string[], source: string): Dataset => ({
  pairs: { train: train.map(pair), validation: validation.map(pair), test: test.map(pair) },
  candidateSets: test.map(set),
  dropped: { "too-few-candidates": 1 },
  source,
});

test("heldOutFrom: drops the evaluation prompts reward models trained or validated on, and only those", () => {
  const training = dataset(["p1", "p2"], ["p3"], ["p4"], "train file");
  const evaluation = dataset(["q0"], [], ["p1", "p3", "p4", "q1", "q2"], "eval file");
  const held = heldOutFrom(training, evaluation);
  assert.deepEqual(
    held.pairs.test.map((p) => p.prompt),
    ["p4", "q1", "q2"],
  );
  assert.deepEqual(
    held.candidateSets.map((s) => s.prompt),
    ["p4", "q1", "q2"],
  );
  // Nothing trains on an evaluation source: its train pairs (q0) are not carried.
  assert.deepEqual([held.pairs.train, held.pairs.validation], [[], []]);
  assert.deepEqual(held.dropped, { "too-few-candidates": 1, [PROMPT_IN_TRAINING]: 2 });
  assert.equal(
    held.source,
    "eval file; evaluated: 3 candidate sets, 3 pairs (2 prompts of the training split dropped)",
  );
});

test("heldOutFrom: an evaluation source with no prompt left is an error naming data.eval", () => {
  const training = dataset(["p1"], ["p2"], [], "train file");
  assert.throws(
    () => heldOutFrom(training, dataset([], [], ["p1", "p2"], "eval file")),
    userError(/^data\.eval: no test pair left in eval file once the 2 prompts/),
  );
});

const generators = ["A-model", "B-model", "c-model", "d-model", "e-model", "f-model"];
const halfA = generators.slice(0, 3);

function request(data: Record<string, unknown>) {
  const config = configSchema.parse({ seed: 5, data });
  return stageRequest(config, { plan: { jobs: 1 } });
}

/** The generators of a drawn pair, from its id `set:chosen>rejected`. */
const pairGenerators = (p: PreferencePair) => p.id.slice(p.id.indexOf(":") + 1).split(">");

test("data.eval on the same file with the other generators: disjoint generators and disjoint prompts", async () => {
  const dir = mkdtempSync(join(tmpdir(), "align-evalsplit-"));
  const path = writeAlpacaFile(dir, "sets.jsonl", { instructions: 40, generators });
  const { dataset: training, evaluation } = request({
    source: "alpaca-eval",
    path,
    generators: { include: halfA },
    eval: { source: "alpaca-eval", path, generators: { exclude: halfA } },
  });
  const train = await training();
  const held = await evaluation();
  const fitted = [...train.pairs.train, ...train.pairs.validation];
  assert.ok(fitted.length > 0 && held.candidateSets.length > 0 && held.pairs.test.length > 0);
  for (const p of [...fitted, ...train.pairs.test])
    for (const g of pairGenerators(p)) assert.ok(halfA.includes(g));
  for (const s of held.candidateSets) {
    assert.deepEqual(
      s.candidates.map((c) => c.id),
      generators.slice(3),
    );
  }
  for (const p of held.pairs.test) for (const g of pairGenerators(p)) assert.ok(!halfA.includes(g), p.id);
  const seen = new Set(fitted.map((p) => p.prompt));
  for (const item of [...held.candidateSets, ...held.pairs.test]) assert.ok(!seen.has(item.prompt));
  // The whole file is evaluated less the prompts fitted on: exactly the training source's test prompts.
  assert.deepEqual(
    held.candidateSets.map((s) => s.prompt).sort(),
    train.candidateSets.map((s) => s.prompt).sort(),
  );
  assert.equal(held.dropped[PROMPT_IN_TRAINING], 40 - held.candidateSets.length);
  assert.match(train.source, /40 instructions, 3 of 6 generators/);
  assert.match(held.source, /40 instructions, 3 of 6 generators\); evaluated: \d+ candidate sets/);
});

test("data.eval on another file: all of it is evaluated, none of data's test split", async () => {
  const dir = mkdtempSync(join(tmpdir(), "align-evalsplit-"));
  const trainPath = writeAlpacaFile(dir, "train.jsonl", { instructions: 30, generators });
  const evalPath = writeAlpacaFile(dir, "eval.jsonl", { instructions: 12, generators, prefix: "other" });
  const { evaluation } = request({
    source: "alpaca-eval",
    path: trainPath,
    eval: { source: "alpaca-eval", path: evalPath },
  });
  const held = await evaluation();
  assert.deepEqual(
    held.candidateSets.map((s) => s.id),
    Array.from({ length: 12 }, (_, i) => `other-${i}`),
  );
  assert.ok(held.pairs.test.every((p) => p.prompt.startsWith("other ")));
  assert.equal(held.dropped[PROMPT_IN_TRAINING], undefined);
});

test("without data.eval the evaluation data is the training source's own test split", async () => {
  const dir = mkdtempSync(join(tmpdir(), "align-evalsplit-"));
  const path = writeAlpacaFile(dir, "sets.jsonl", { instructions: 20, generators });
  const { dataset, evaluation } = request({ source: "alpaca-eval", path });
  assert.equal(await evaluation(), await dataset());
});

test("data.eval.generators naming no generator of its file is an error naming that key", async () => {
  const dir = mkdtempSync(join(tmpdir(), "align-evalsplit-"));
  const path = writeAlpacaFile(dir, "sets.jsonl", { instructions: 20, generators });
  const { evaluation } = request({
    source: "alpaca-eval",
    path,
    eval: { source: "alpaca-eval", path, generators: ["A-model", "g-model"] },
  });
  await assert.rejects(evaluation(), userError(/^data\.eval\.generators: "g-model" is not a generator of /));
});

test("schema: data.eval's splits default to all test, data's stay 0.7/0.1/0.2; generators only for alpaca-eval", () => {
  const { data } = configSchema.parse({ data: { eval: { source: "jsonl", path: "e.jsonl" } } });
  assert.deepEqual(data.eval?.splits, { train: 0, validation: 0, test: 1 });
  assert.deepEqual(data.splits, { train: 0.7, validation: 0.1, test: 0.2 });
  assert.deepEqual(
    configSchema.parse({ data: { eval: { splits: { test: 1 } } } }).data.eval?.splits.train,
    0,
  );
  const parsed = configSchema.safeParse({ data: { source: "jsonl", path: "p", generators: ["a"] } });
  assert.equal(parsed.success, false);
  assert.deepEqual(parsed.error?.issues[0].path, ["data", "generators"]);
});
