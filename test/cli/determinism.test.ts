import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { align, tempDir, tinyConfig } from "./run-cli.js";

/** Files that must be identical between two runs of the same config, seed and backend. */
const deterministic = [
  "reward-models/member-0/weights.bin",
  "reward-models/member-2/weights.bin",
  "reward-models/member-1/history.csv",
  "disagreement/metrics.json",
  "disagreement/per-pair.csv",
  "disagreement/example-scores.svg",
  "optimize/summary.json",
  "optimize/trials.csv",
  "simulate/summary.json",
  "claims.json",
];

test("the same config, seed and backend give identical outputs at every stage", () => {
  const runs = [tempDir("det"), tempDir("det")];
  for (const out of runs) {
    const result = align("reproduce", "--config", tinyConfig, "--out", out, "--backend", "wasm");
    assert.equal(result.status, 0, result.stderr);
  }
  for (const file of deterministic) {
    const [a, b] = runs.map((out) => readFileSync(join(out, file)));
    assert.ok(a.equals(b), `${file} differs between two identical runs`);
  }
});
