import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/config/load.js";
import { readAlpacaEvalSets } from "../../src/data/alpaca-eval.js";
import { generatorsOf } from "../../src/data/generators.js";
import { collectRecords } from "../../src/data/records.js";
import { dataDir } from "../../src/runtime/paths.js";
import { align, repoRoot, tempDir } from "./run-cli.js";

const helpful = join(dataDir(), "hh-rlhf/helpful-base-test.jsonl.gz");
const alpaca = join(dataDir(), "alpaca-eval/candidates.jsonl.gz");

test("the HH-RLHF config trains and measures disagreement on real pairs", (t) => {
  if (!existsSync(helpful)) return t.skip(`real data not found at ${helpful}: set ALIGN_DATA_DIR`);
  const out = tempDir("hh");
  const config = join(repoRoot, "configs/hh-rlhf.yaml");
  const small = [
    "--set",
    "data.maxPairs=800",
    "--set",
    "rewardModel.members=3",
    "--set",
    "rewardModel.epochs=2",
  ];
  const trained = align("train-rm", "--config", config, "--out", out, ...small);
  assert.equal(trained.status, 0, trained.stderr);
  const summary = JSON.parse(readFileSync(join(out, "reward-models/summary.json"), "utf8"));
  assert.equal(summary.members.length, 3);
  const read = summary.pairs.train + summary.pairs.validation + summary.pairs.test;
  assert.ok(read > 700 && read <= 800, `${read} pairs read of the first 800`);
  assert.ok(summary.testAccuracy.mean > 0.5, "real pairs are learnable above chance");
  const measured = align("disagreement", "--config", config, "--out", out, ...small);
  assert.equal(measured.status, 0, measured.stderr);
  assert.ok(existsSync(join(out, "disagreement/metrics.json")));
});

test("optimisation runs on the AlpacaEval candidate sets with the judge as true reward", (t) => {
  if (!existsSync(alpaca)) return t.skip(`real data not found at ${alpaca}: set ALIGN_DATA_DIR`);
  const out = tempDir("alpaca");
  const config = join(repoRoot, "configs/paper-alignment.yaml");
  const small = [
    "--set",
    "data.maxPrompts=120",
    "--set",
    "rewardModel.members=3",
    "--set",
    "rewardModel.epochs=2",
    "--set",
    "optimize.budgets=[0.1]",
  ];
  assert.equal(align("train-rm", "--config", config, "--out", out, ...small).status, 0);
  const optimized = align(
    "optimize",
    "--config",
    config,
    "--out",
    out,
    ...small,
    "--methods",
    "standard,variance-aware",
  );
  assert.equal(optimized.status, 0, optimized.stderr);
  const summary = JSON.parse(readFileSync(join(out, "optimize/summary.json"), "utf8"));
  for (const method of ["standard", "variance-aware"]) {
    const [budget] = summary.methods[method].budgets;
    assert.equal(budget.trials, 3);
    assert.ok(Number.isFinite(budget.meanImprovement) && budget.promptRisk >= 0 && budget.promptRisk <= 1);
  }
});

test("paper-shift: reward models on the first alphabetical half of AlpacaEval's generators, policies on the other", async (t) => {
  if (!existsSync(alpaca)) return t.skip(`real data not found at ${alpaca}: set ALIGN_DATA_DIR`);
  const configPath = join(repoRoot, "configs/paper-shift.yaml");
  const config = loadConfig(configPath);
  const { values: sets } = await collectRecords(readAlpacaEvalSets(alpaca, "keep"), alpaca);
  const all = generatorsOf(sets);
  const half = all.slice(0, Math.floor(all.length / 2));
  assert.deepEqual(
    config.data.generators,
    { include: half },
    "the training half is the first half in code-point order",
  );
  assert.deepEqual(config.data.eval?.generators, { exclude: half });
  const out = tempDir("paper-shift");
  const small = [
    "data.maxPrompts=120",
    "data.eval.maxPrompts=120",
    "rewardModel.members=3",
    "rewardModel.epochs=2",
    "optimize.budgets=[0.1]",
  ];
  const result = align(
    "reproduce",
    "--config",
    configPath,
    "--out",
    out,
    ...small.flatMap((s) => ["--set", s]),
  );
  assert.equal(result.status, 0, result.stderr);
  const read = (path: string) => JSON.parse(readFileSync(join(out, path), "utf8"));
  assert.match(read("reward-models/summary.json").source, /\(120 instructions, 21 of 43 generators/);
  const optimize = read("optimize/summary.json");
  assert.match(optimize.source, /\(120 instructions, 22 of 43 generators.*\); evaluated: \d+ candidate sets/);
  const dropped = Number(/\((\d+) prompts of the training split dropped\)/.exec(optimize.source)?.[1]);
  assert.equal(dropped + optimize.prompts, 120);
  const rows = readFileSync(join(out, "disagreement/per-pair.csv"), "utf8").trim().split("\n").slice(1);
  assert.ok(rows.length > 0);
  for (const row of rows) {
    const id = row.slice(0, row.indexOf(","));
    for (const g of id.slice(id.indexOf(":") + 1).split(">")) assert.ok(!half.includes(g), id);
  }
});
