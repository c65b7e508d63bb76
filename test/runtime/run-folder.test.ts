import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { align, repoRoot, tempDir, tinyConfig } from "../cli/run-cli.js";
import { listFiles } from "./run-folder.js";

/** End-to-end checks of what align does to a run folder: what it deletes, locks and refuses. */

const small = [
  "--config",
  tinyConfig,
  "--set",
  "rewardModel.members=2",
  "--set",
  "data.synthetic.prompts=40",
];
const oneLine = (stderr: string) =>
  stderr
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("align: error"));

test("--force does not delete a folder align did not make (the issue's reproduction)", () => {
  const notes = join(tempDir("force"), "notes");
  mkdirSync(notes);
  writeFileSync(join(notes, "thesis.tex"), "keep\n");
  writeFileSync(join(notes, "config.yaml"), "x: 1\n");
  const result = align("simulate", "--out", notes, "--force", ...small);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, new RegExp(`${notes} holds a config.yaml but was not made by align`));
  assert.deepEqual(readdirSync(notes).sort(), ["config.yaml", "thesis.tex"]);
  assert.equal(readFileSync(join(notes, "thesis.tex"), "utf8"), "keep\n");
});

test("--out '' is refused before anything is written", () => {
  const before = readdirSync(repoRoot).sort();
  const result = align("simulate", "--out", "", ...small);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /--out is empty/);
  assert.deepEqual(readdirSync(repoRoot).sort(), before);
});

test("--force replaces a run folder align made from another config, keeping nothing of it", () => {
  const out = join(tempDir("force-ours"), "run");
  assert.equal(align("simulate", "--out", out, ...small).status, 0);
  assert.ok(existsSync(join(out, ".align-run")));
  writeFileSync(join(out, "simulate", "stale.txt"), "old\n");
  const refused = align("simulate", "--out", out, ...small, "--set", "seed=9");
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /different config \(differs at seed\)/);
  const replaced = align("simulate", "--out", out, ...small, "--set", "seed=9", "--force");
  assert.equal(replaced.status, 0, replaced.stderr);
  assert.ok(!existsSync(join(out, "simulate", "stale.txt")));
  assert.match(readFileSync(join(out, "config.yaml"), "utf8"), /^seed: 9$/m);
});

test("a bad data.path leaves nothing behind, and the corrected command then runs", () => {
  const out = join(tempDir("data-first"), "run");
  const missing = join(tempDir("data-first"), "nope.jsonl");
  const bad = align(
    "train-rm",
    "--out",
    out,
    ...small,
    "--set",
    "data.source=jsonl",
    "--set",
    `data.path=${missing}`,
  );
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /nope\.jsonl: no such file/);
  assert.ok(!existsSync(out), "nothing written into --out");
  const good = align("train-rm", "--out", out, ...small, "--jobs", "1");
  assert.equal(good.status, 0, good.stderr);
  assert.ok(existsSync(join(out, "reward-models", "complete.json")));
});

test("a run folder held by a live process is refused with exit 2 naming the holder", () => {
  const out = join(tempDir("lock"), "run");
  mkdirSync(out);
  const holder = {
    pid: process.pid,
    host: hostname(),
    command: "optimize",
    since: "2026-01-01T00:00:00.000Z",
  };
  writeFileSync(join(out, "align.lock"), JSON.stringify(holder));
  const result = align("simulate", "--out", out, ...small);
  assert.equal(result.status, 2, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(`in use by \`align optimize\` \\(pid ${process.pid} on ${hostname()}`),
  );
  assert.deepEqual(readdirSync(out), ["align.lock"], "nothing written");
  // A shard waits for brief holders only: an exclusive one refuses it at once.
  const shard = align("train-rm", "--out", out, ...small, "--shard", "0/2");
  assert.equal(shard.status, 2, shard.stderr);
  assert.match(shard.stderr, /in use by `align optimize`/);
});

test("a lock left by a dead process is taken over with a warning", () => {
  const out = join(tempDir("stale"), "run");
  mkdirSync(out);
  // A pid far above any in use (Linux pid_max is at most 2^22): no process has it.
  const holder = { pid: 4_194_999, host: hostname(), command: "simulate", since: "2026-01-01T00:00:00.000Z" };
  writeFileSync(join(out, "align.lock"), JSON.stringify(holder));
  const result = align("simulate", "--out", out, ...small);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /warning: .*taking over the lock of `align simulate` \(pid 4194999/);
  assert.ok(!existsSync(join(out, "align.lock")), "released on exit");
});

test("a member trained by another live process is refused, naming it", () => {
  const out = join(tempDir("member-lock"), "run");
  mkdirSync(join(out, "reward-models"), { recursive: true });
  const holder = {
    pid: process.pid,
    host: hostname(),
    command: "train-rm",
    since: "2026-01-01T00:00:00.000Z",
  };
  writeFileSync(join(out, "reward-models", "member-1.lock"), JSON.stringify(holder));
  const shard = align("train-rm", "--out", out, ...small, "--shard", "1/2");
  assert.equal(shard.status, 2, shard.stderr);
  assert.match(shard.stderr, /member 1 of .* is in use by `align train-rm` \(pid/);
  // Nor may a whole-folder writer start while a shard trains.
  const whole = align("simulate", "--out", out, ...small);
  assert.equal(whole.status, 2, whole.stderr);
  assert.match(whole.stderr, /in use by `align train-rm`/);
});

function alignAsync(...args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin/align.js"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ALIGN_LOG_LEVEL: "warn", CI: "true" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (status) => done({ status, stderr }));
  });
}

test("shards of one ensemble train concurrently on one folder, giving the bytes of one process", async () => {
  const base = tempDir("shards");
  const sharded = join(base, "sharded");
  const single = join(base, "single");
  const members = ["--set", "rewardModel.members=4", "--jobs", "1"];
  const [a, b, c] = await Promise.all([
    alignAsync("train-rm", "--out", sharded, ...small, ...members, "--shard", "0/2"),
    alignAsync("train-rm", "--out", sharded, ...small, ...members, "--shard", "1/2"),
    alignAsync("train-rm", "--out", single, ...small, ...members),
  ]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(c.status, 0, c.stderr);
  const weights = (dir: string) =>
    listFiles(join(dir, "reward-models")).filter((f) => /member-\d\/(weights|metrics|history)/.test(f));
  assert.equal(weights(sharded).length, 4 * 4);
  assert.deepEqual(weights(sharded), weights(single));
  for (const file of [...weights(single), "summary.json"]) {
    const read = (dir: string) => readFileSync(join(dir, "reward-models", file));
    assert.ok(read(sharded).equals(read(single)), `${file} identical`);
  }
  assert.ok(existsSync(join(sharded, "reward-models", "complete.json")));
  assert.deepEqual(
    listFiles(sharded).filter((f) => f.endsWith(".lock") || f.endsWith(".tmp")),
    [],
    "every lock released, no temporary left",
  );
});

test("environment errors: one line naming the path and the cause, exit 4", () => {
  const base = tempDir("environment");
  const file = join(base, "a-file");
  writeFileSync(file, "x\n");
  const isFile = align("simulate", "--out", file, ...small);
  assert.equal(isFile.status, 4, isFile.stderr);
  assert.deepEqual(oneLine(isFile.stderr), [
    `align: error: ${file}: is a file, not a folder: --out must name a folder (EEXIST)`,
  ]);
  const under = align("simulate", "--out", join(file, "run"), ...small);
  assert.equal(under.status, 4, under.stderr);
  assert.match(
    under.stderr,
    /^align: error: .*a-file.*: a part of the path is a file, not a folder \(ENOTDIR/m,
  );
  const long = join(base, "x".repeat(300));
  const tooLong = align(
    "train-rm",
    "--out",
    join(base, "run"),
    ...small,
    "--set",
    "data.source=jsonl",
    "--set",
    `data.path=${long}`,
  );
  assert.equal(tooLong.status, 4, tooLong.stderr);
  assert.match(tooLong.stderr, /^align: error: .*x{300}: file name too long \(ENAMETOOLONG/m);
  assert.ok(!existsSync(join(base, "run")));
  for (const result of [isFile, under, tooLong]) assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack");
});

test("a corrupt <out>/config.yaml exits 2 naming it; a folder where a file belongs exits 4", () => {
  const out = join(tempDir("corrupt"), "run");
  mkdirSync(out);
  writeFileSync(join(out, "config.yaml"), "seed: [1\n");
  const corrupt = align("simulate", "--out", out, ...small);
  assert.equal(corrupt.status, 2, corrupt.stderr);
  assert.match(corrupt.stderr, new RegExp(`^align: error: ${out}/config.yaml: not a readable config`, "m"));
  const other = join(tempDir("eisdir"), "run");
  mkdirSync(join(other, "config.yaml"), { recursive: true });
  const isDir = align("simulate", "--out", other, ...small);
  assert.equal(isDir.status, 4, isDir.stderr);
  assert.match(isDir.stderr, /config\.yaml: is a folder, where a file is expected \(EISDIR/);
});

test("an environment error after run.log is open has its stack in run.log", () => {
  const out = join(tempDir("stack"), "run");
  mkdirSync(join(out, "simulate", "summary.json"), { recursive: true });
  const result = align("simulate", "--out", out, ...small);
  assert.equal(result.status, 4, result.stderr);
  assert.match(result.stderr, /simulate\/summary\.json: .*\(EISDIR, rename\)/);
  const log = readFileSync(join(out, "run.log"), "utf8");
  assert.match(log, /"stack":"Error: EISDIR/);
});

test("a read-only --out exits 4 naming it (where this machine has a read-only place)", (t) => {
  const out = "/sys/align-read-only-test/run";
  const result = align("simulate", "--out", out, ...small);
  if (result.status === 0) return t.skip("/sys is writable here");
  assert.equal(result.status, 4, result.stderr);
  assert.match(
    result.stderr,
    /^align: error: \/sys\/align-read-only-test\/run: (operation not permitted|read-only file system|permission denied) \(E/m,
  );
});

test("an unexpected error (here a run.json that is not JSON) exits 1 with its stack on stderr and in run.log", () => {
  const out = join(tempDir("bug"), "run");
  assert.equal(align("simulate", "--out", out, ...small).status, 0);
  writeFileSync(join(out, "run.json"), "{ not json");
  const result = align("simulate", "--out", out, ...small);
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /SyntaxError: .*JSON[\s\S]*\n\s+at /);
  const failure = readFileSync(join(out, "run.log"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .find((entry) => entry.level === 50);
  assert.match(failure.err.stack, /^SyntaxError: [\s\S]*\n\s+at /);
});
