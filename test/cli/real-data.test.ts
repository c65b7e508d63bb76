import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
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
