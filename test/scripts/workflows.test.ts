import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse } from "yaml";
import { repoPath } from "./paths.js";

/** The GitHub Actions workflows parse as YAML and run what they claim to run. */

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string;
  strategy?: { matrix: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

function workflow(name: string): Workflow {
  return parse(readFileSync(repoPath(`.github/workflows/${name}`), "utf8")) as Workflow;
}

const runs = (job: Job) => job.steps.flatMap((step) => (step.run === undefined ? [] : [step.run]));
const uses = (job: Job, action: string) => job.steps.filter((step) => step.uses?.startsWith(`${action}@`));

test("reproduce.yml: tests on push and pull requests, then reproduces every config with --check", () => {
  const { on, jobs } = workflow("reproduce.yml");
  assert.deepEqual(Object.keys(on).sort(), ["pull_request", "push", "workflow_dispatch"]);
  assert.deepEqual(runs(jobs.test), ["npm ci", "npm test"]);

  const reproduce = jobs.reproduce;
  assert.equal(reproduce.needs, "test");
  const include = reproduce.strategy?.matrix.include as {
    name: string;
    config: string;
    "real-data": boolean;
  }[];
  assert.deepEqual(
    include.map((entry) => [entry.config, entry["real-data"]]),
    [
      ["configs/ci.yaml", false],
      ["configs/quick.yaml", false],
      ["configs/paper-theory.yaml", false],
      ["configs/paper-figure1.yaml", true],
      ["configs/paper-alignment.yaml", true],
      ["configs/paper-shift.yaml", true],
    ],
  );
  assert.ok(
    runs(reproduce).includes(
      "npx align reproduce --config ${{ matrix.config }} --out results/${{ matrix.name }} --check",
    ),
  );
  assert.ok(runs(reproduce).includes("bash scripts/fetch-data.sh data-cache"));
  const [cache] = uses(reproduce, "actions/cache");
  assert.match(String(cache.with?.key), /hashFiles\('scripts\/fetch-data\.sh'/);
  const [upload] = uses(reproduce, "actions/upload-artifact");
  assert.equal(upload.uses, "actions/upload-artifact@v4");
  assert.equal(upload.if, "always()");
  assert.equal(upload.with?.path, "results/${{ matrix.name }}");
});

test("train-sharded.example.yml: manual only; four shards, then one job gathers the members", () => {
  const { on, jobs } = workflow("train-sharded.example.yml");
  assert.deepEqual(Object.keys(on), ["workflow_dispatch"]);
  assert.deepEqual(jobs.train.strategy?.matrix.shard, [0, 1, 2, 3]);
  assert.ok(
    runs(jobs.train).includes(
      "npx align train-rm --config configs/paper-figure1.yaml --out results/fig1 --shard ${{ matrix.shard }}/4",
    ),
  );
  assert.equal(
    uses(jobs.train, "actions/upload-artifact")[0].with?.path,
    "results/fig1/reward-models/member-*/",
  );

  const gather = jobs.disagreement;
  assert.equal(gather.needs, "train");
  const [download] = uses(gather, "actions/download-artifact");
  assert.deepEqual(download.with, {
    pattern: "fig1-members-*",
    path: "results/fig1/reward-models",
    "merge-multiple": true,
  });
  assert.ok(
    runs(gather).includes("npx align disagreement --config configs/paper-figure1.yaml --out results/fig1"),
  );
});
