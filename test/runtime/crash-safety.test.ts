import assert from "node:assert/strict";
import { cpSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir, tinyConfig } from "../cli/run-cli.js";
import { alignWith, assertSameRun } from "./run-folder.js";

/**
 * kill -9 at chosen points of every stage (the ALIGN_CRASH_AT hook of runtime/files.ts makes the process
 * SIGKILL itself after, or before, a named file is renamed into place), then the same command again: the
 * run folder must be byte-identical to an uninterrupted run's (run.log and timings aside), with no
 * temporary file left.
 */

const small = ["--set", "rewardModel.members=2", "--set", "data.synthetic.prompts=40"];

function reproduce(out: string, env: Record<string, string> = {}) {
  return alignWith(env, "reproduce", "--config", tinyConfig, "--out", out, ...small);
}

/**
 * A point in every stage and the report, each where a rerun could go wrong: a temporary file left beside
 * shared files, a marker ahead of run.json, summaries ahead of plots. (Killing train-rm mid-epoch is
 * test/reward-model/cli.test.ts's business.)
 */
const reproducePoints = [
  "before:reward-models/summary.json",
  "after:reward-models/complete.json",
  "before:disagreement/per-pair.csv",
  "after:optimize/summary.json",
  "after:simulate/summary.json",
  "after:report.md",
];

test("reproduce killed at any stage, then rerun, gives the files of an uninterrupted run", () => {
  const base = tempDir("crash");
  const out = join(base, "run");
  const reference = join(base, "reference");
  const first = reproduce(out);
  assert.equal(first.status, 0, first.stderr);
  renameSync(out, reference);
  for (const point of reproducePoints) {
    rmSync(out, { recursive: true, force: true });
    const killed = reproduce(out, { ALIGN_CRASH_AT: point });
    assert.equal(killed.signal, "SIGKILL", `${point}: the hook fired (${killed.stderr})`);
    const rerun = reproduce(out);
    assert.equal(rerun.status, 0, `${point}: ${rerun.stderr}`);
    assertSameRun(out, reference, `killed ${point}`);
  }
});

test("optimize adding a method, killed before its plots, reruns to the files of an uninterrupted call", () => {
  const base = tempDir("crash-optimize");
  const out = join(base, "run");
  const reference = join(base, "reference");
  const run = (args: string[], env: Record<string, string> = {}) =>
    alignWith(env, ...args, "--config", tinyConfig, "--out", out, ...small);
  const prepared = join(base, "prepared");
  for (const args of [
    ["train-rm", "--jobs", "1"],
    ["optimize", "--methods", "standard"],
  ]) {
    const result = run(args);
    assert.equal(result.status, 0, result.stderr);
  }
  renameSync(out, prepared);
  const prepare = () => {
    rmSync(out, { recursive: true, force: true });
    cpSync(prepared, out, { recursive: true });
  };
  prepare();
  assert.equal(run(["optimize", "--variance-aware"]).status, 0);
  renameSync(out, reference);
  for (const point of [
    "after:optimize/summary.json",
    "after:optimize/trials.csv",
    "after:optimize/.commit",
  ]) {
    prepare();
    const killed = run(["optimize", "--variance-aware"], { ALIGN_CRASH_AT: point });
    assert.equal(killed.signal, "SIGKILL", `${point}: the hook fired (${killed.stderr})`);
    const rerun = run(["optimize", "--variance-aware"]);
    assert.equal(rerun.status, 0, `${point}: ${rerun.stderr}`);
    assertSameRun(out, reference, `optimize killed ${point}`);
  }
});
