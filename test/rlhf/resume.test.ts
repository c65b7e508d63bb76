import assert from "node:assert/strict";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot, tempDir } from "../cli/run-cli.js";
import { alignWith, assertSameRun } from "../runtime/run-folder.js";

/**
 * kill -9 inside PPO trials (the ALIGN_CRASH_AT hook of runtime/files.ts: the process SIGKILLs itself
 * after, or before, a named file is renamed into place), then the same command again: the run folder
 * (curves, summary, samples, plots, each trial's trajectory and final policy) must hold the bytes of an
 * uninterrupted run, with no checkpoint left, and the rerun must have continued from the trial's state.
 * Two trials of six iterations, evaluated (and their state saved) at iterations 2, 4 and 6.
 */
const tiny = join(repoRoot, "test/fixtures/cli/rlhf-tiny.yaml");
const settings = ["rlhf.methods=[standard]", "rlhf.trials=2", "rlhf.iterations=6", "rlhf.checkpoints=3"];

function rlhf(out: string, jobs: string, env: Record<string, string> = {}) {
  return alignWith(
    env,
    "rlhf",
    "-c",
    tiny,
    "-o",
    out,
    "--jobs",
    jobs,
    ...settings.flatMap((s) => ["--set", s]),
  );
}

const state = (out: string, trial: number) => join(out, "rlhf", "trials", `standard-${trial}.checkpoint.bin`);

/** [where it is killed, --jobs, the trial whose state the kill leaves, the iteration it resumes from]. */
const points: [string, string, number, number | null][] = [
  ["after:standard-0.checkpoint.bin", "1", 0, 2],
  ["after:standard-1.checkpoint.bin#2", "2", 1, 4],
  ["before:standard-1.json", "1", 1, 4],
  // Finished (its trajectory written) but its state not yet removed: the rerun removes it, trains nothing.
  ["after:standard-0.json", "1", 0, null],
];

test("a PPO trial killed with SIGKILL at its checkpoints or as it ends resumes to the bytes of an unbroken run", () => {
  const base = tempDir("rlhf-resume");
  const out = join(base, "run");
  const reference = join(base, "reference");
  const unbroken = rlhf(out, "1");
  assert.equal(unbroken.status, 0, unbroken.stderr);
  renameSync(out, reference);
  for (const [point, jobs, trial, from] of points) {
    rmSync(out, { recursive: true, force: true });
    const killed = rlhf(out, jobs, { ALIGN_CRASH_AT: point });
    assert.equal(killed.signal, "SIGKILL", `${point}: the hook fired (${killed.stderr})`);
    assert.ok(existsSync(state(out, trial)), `${point}: the trial's state is on disk`);
    const rerun = rlhf(out, jobs);
    assert.equal(rerun.status, 0, `${point}: ${rerun.stderr}`);
    const log = readFileSync(join(out, "run.log"), "utf8");
    if (from !== null) {
      assert.match(
        log,
        new RegExp(`standard trial ${trial} in [\\d.]+ s \\(resumed from iteration ${from}\\)`),
        point,
      );
    } else {
      assert.doesNotMatch(log, /resumed from iteration/, point);
    }
    assertSameRun(out, reference, `killed ${point}`);
  }
});
