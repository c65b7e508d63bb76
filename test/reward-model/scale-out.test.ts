import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

test("the SLURM array script trains its task's shard of the ensemble", () => {
  const out = join(mkdtempSync(join(tmpdir(), "align-sbatch-")), "run");
  const script = join(repoRoot, "scripts/slurm/train-rm.sbatch");
  assert.match(readFileSync(script, "utf8"), /#SBATCH --requeue/);
  const result = spawnSync("bash", [script, join(repoRoot, "test/fixtures/cli/tiny.yaml"), out], {
    cwd: repoRoot,
    encoding: "utf8",
    env: {
      ...process.env,
      ALIGN_LOG_LEVEL: "warn",
      SLURM_SUBMIT_DIR: repoRoot,
      SLURM_ARRAY_TASK_ID: "1",
      SLURM_ARRAY_TASK_COUNT: "2",
      SLURM_CPUS_PER_TASK: "1",
    },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(
    readdirSync(join(out, "reward-models")).filter((name) => name.startsWith("member-")),
    ["member-1"],
  );
});

test("the Kubernetes Indexed Job runs one train-rm shard per completion index", () => {
  const job = parse(readFileSync(join(repoRoot, "scripts/k8s/train-rm-job.yaml"), "utf8"));
  assert.equal(job.kind, "Job");
  assert.equal(job.spec.completionMode, "Indexed");
  const [container] = job.spec.template.spec.containers;
  const command: string[] = container.command;
  assert.deepEqual(command.slice(0, 3), ["npx", "align", "train-rm"]);
  assert.equal(Number(command[command.indexOf("--shard-count") + 1]), job.spec.completions);
  assert.ok(command.includes("--resume"), "a restarted pod resumes its members");
});
