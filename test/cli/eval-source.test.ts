import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { stringify } from "yaml";
import { writeAlpacaFile } from "../data/alpaca-file.js";
import { align, tempDir } from "./run-cli.js";

const generators = ["A-model", "B-model", "c-model", "d-model", "e-model", "f-model"];
const halfA = generators.slice(0, 3);
const instructions = 40;

/** A tiny study on a file written here: reward models on halfA's answers, data.eval the other half. */
function study(dir: string, data: Record<string, unknown> = {}, evalData: Record<string, unknown> = {}) {
  const path = writeAlpacaFile(dir, "sets.jsonl", { instructions, generators });
  const config = {
    name: "tiny-shift",
    seed: 2,
    stages: ["train-rm", "disagreement", "optimize"],
    data: {
      source: "alpaca-eval",
      path,
      generators: { include: halfA },
      ...data,
      eval: { source: "alpaca-eval", path, generators: { exclude: halfA }, ...evalData },
    },
    features: { dimension: 1024 },
    rewardModel: { members: 3, epochs: 2 },
    optimize: { budgets: [0.1], methods: ["standard", "variance-aware"] },
  };
  const file = join(dir, "shift.yaml");
  writeFileSync(file, stringify(config));
  return file;
}

test("reproduce with data.eval: reward models on one half of the generators, evaluation on the other", () => {
  const dir = tempDir("shift");
  const out = join(dir, "out");
  const result = align("reproduce", "--config", study(dir), "--out", out);
  assert.equal(result.status, 0, result.stderr);
  const read = (path: string) => JSON.parse(readFileSync(join(out, path), "utf8"));
  const rm = read("reward-models/summary.json");
  assert.match(rm.source, /\(40 instructions, 3 of 6 generators\)$/);
  const disagreement = read("disagreement/metrics.json");
  const optimize = read("optimize/summary.json");
  // Every instruction is either fitted on (train, validation) or evaluated on, never both.
  const dropped = Number(/\((\d+) prompts of the training split dropped\)/.exec(optimize.source)?.[1]);
  assert.equal(dropped + optimize.prompts, instructions);
  assert.ok(optimize.prompts > 0 && optimize.prompts < instructions);
  assert.equal(disagreement.source, optimize.source);
  assert.equal(optimize.methods.standard.budgets[0].trials, 3);
  // The disagreement pairs are drawn from the evaluation half's answers only (ids are set:chosen>rejected).
  const ids = readFileSync(join(out, "disagreement/per-pair.csv"), "utf8").trim().split("\n").slice(1);
  assert.equal(ids.length, disagreement.pairs);
  for (const line of ids) {
    const id = line.slice(0, line.indexOf(","));
    for (const g of id.slice(id.indexOf(":") + 1).split(">")) assert.ok(!halfA.includes(g), id);
  }
  const report = readFileSync(join(out, "report.md"), "utf8");
  assert.match(
    report,
    /- training data \(reward models\): alpaca-eval: .*sets\.jsonl \(40 instructions, 3 of 6 generators\); pairs: train \d+/,
  );
  assert.match(
    report,
    /- evaluation data \(data\.eval\): alpaca-eval: .*3 of 6 generators\); evaluated: \d+ candidate sets/,
  );
});

/** A bad data.eval or data.generators: exit 2 with one line naming the key, and no run folder. */
const badStudies: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
  [
    "an unknown generator in data.generators",
    { generators: ["A-model", "Z-model"] },
    {},
    /data\.generators: "Z-model" is not a generator of .*sets\.jsonl/,
  ],
  [
    "an unknown generator in data.eval.generators",
    {},
    { generators: { exclude: ["b-model"] } },
    /data\.eval\.generators: "b-model" is not a generator .*\(did you mean "B-model"\?\)/,
  ],
  [
    "generators for a pair file",
    {},
    { source: "jsonl" },
    /data\.eval\.generators: only alpaca-eval files name generators/,
  ],
  [
    "an evaluation source whose every prompt was trained on",
    { splits: { train: 0.8, validation: 0.2, test: 0 } },
    { generators: undefined },
    /data\.eval: no test pair left in .*once the 40 prompts of the training source's train and validation splits are dropped/,
  ],
  ["a data.eval inside data.eval", {}, { eval: {} }, /unknown key 'data\.eval\.eval'/],
  [
    "a data.eval file source without a path",
    {},
    { path: undefined, generators: undefined, source: "hh-rlhf" },
    /data\.eval\.path: data\.eval\.path is required unless data\.eval\.source is synthetic/,
  ],
];

for (const [what, data, evalData, message] of badStudies) {
  test(`reproduce with ${what} exits 2 naming the key and writes nothing`, () => {
    const dir = tempDir("shift-bad");
    const out = join(dir, "out");
    const result = align("reproduce", "--config", study(dir, data, evalData), "--out", out);
    assert.equal(result.status, 2, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.match(lines[0], /^align: error: /);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    assert.ok(!existsSync(join(out, "config.yaml")), "nothing is written before the data is checked");
  });
}
