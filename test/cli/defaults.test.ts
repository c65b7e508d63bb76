import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../src/config/load.js";
import { alignIn, repoRoot, tempDir, tinyConfig } from "./run-cli.js";

const quick = join(repoRoot, "configs/quick.yaml");
const small = [
  "--set",
  "simulate.instances=4",
  "--set",
  "simulate.draws=8",
  "--set",
  "simulate.memberCounts=[3]",
];

test("without --config and --out a command runs configs/quick.yaml into results/quick", () => {
  const cwd = tempDir("defaults");
  const run = alignIn(cwd, "simulate", ...small);
  assert.equal(run.status, 0, run.stderr);
  const written = parseYaml(readFileSync(join(cwd, "results/quick/config.yaml"), "utf8"));
  const expected = JSON.parse(
    JSON.stringify(
      loadConfig(
        quick,
        small.filter((a) => a !== "--set"),
      ),
    ),
  );
  assert.deepEqual(written, expected, "the same study as `--config configs/quick.yaml`");
  assert.equal(written.rewardModel.bootstrap, true);

  const report = alignIn(cwd, "report");
  assert.equal(report.status, 0, report.stderr);
  const paths = report.stdout.match(/\S+report\.(md|html)/g) ?? [];
  assert.deepEqual(
    paths.map((p) => p.replace(/.*\//, "")),
    ["report.md", "report.html"],
    "report prints both paths",
  );
  for (const path of paths) assert.ok(existsSync(path), path);
});

test("every run command's help says where --out and --config default to", () => {
  for (const command of ["train-rm", "disagreement", "optimize", "simulate", "reproduce", "report"]) {
    const help = alignIn(repoRoot, command, "--help").stdout.replace(/\s+/g, " ");
    assert.match(help, /--out <dir> .*\(default: results\/<config name>\)/, command);
    assert.match(help, /default: configs\/quick\.yaml/, command);
  }
});

test("piped, progress and logs are plain lines without escape codes", () => {
  const out = tempDir("piped");
  const result = spawnSync(
    process.execPath,
    [join(repoRoot, "bin/align.js"), "simulate", "--config", tinyConfig, "--out", out],
    { cwd: repoRoot, encoding: "utf8", env: { ...process.env, ALIGN_LOG_LEVEL: "info", CI: "" } },
  );
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /INFO: simulate: 200\/200 draws in [\d.]+ s, instances 10\/10/);
  assert.ok(!result.stderr.includes("\u001b"), "no escape codes on stderr");
  assert.ok(!result.stdout.includes("\u001b"), "no escape codes on stdout");
});

test("report --watch rebuilds the report when a stage finishes", async () => {
  const out = tempDir("watch");
  const watcher = spawn(
    process.execPath,
    [join(repoRoot, "bin/align.js"), "report", "--watch", "--out", out],
    {
      cwd: repoRoot,
      stdio: "ignore",
    },
  );
  try {
    // The folder is not a run yet: the watcher waits; the report appears once simulate has finished.
    const run = alignIn(repoRoot, "simulate", "--config", tinyConfig, "--out", out);
    assert.equal(run.status, 0, run.stderr);
    const deadline = Date.now() + 20_000;
    const ready = () =>
      existsSync(join(out, "report.md")) &&
      readFileSync(join(out, "report.md"), "utf8").includes("Theoretical model");
    while (!ready() && Date.now() < deadline) await new Promise((done) => setTimeout(done, 200));
    assert.ok(ready(), "report.md with the simulate section");
  } finally {
    watcher.kill("SIGINT");
  }
});
