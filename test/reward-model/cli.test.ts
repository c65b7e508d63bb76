import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const align = join(repoRoot, "bin/align.js");

/** A small ensemble that still trains long enough (~0.5 s) to be killed at several points. */
const small = [
  "--config",
  join(repoRoot, "test/fixtures/cli/tiny.yaml"),
  "--set",
  "rewardModel.members=4",
  "--set",
  "data.synthetic.prompts=200",
  "--set",
  "rewardModel.epochs=12",
];

const quietEnv = (extra: NodeJS.ProcessEnv = {}) => {
  const env: NodeJS.ProcessEnv = { ...process.env, ALIGN_LOG_LEVEL: "warn", CI: "true", ...extra };
  for (const name of ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "JOB_COMPLETION_INDEX"]) {
    if (!(name in extra)) delete env[name];
  }
  return env;
};

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [align, "train-rm", ...small, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: quietEnv(env),
  });
  return { status: result.status, stderr: result.stderr };
}

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [align, "train-rm", ...small, ...args], {
    cwd: repoRoot,
    env: quietEnv(),
    stdio: "ignore",
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), `align-rm-${prefix}-`));

/** Every file of the ensemble that must not depend on how it was trained (complete.json holds a time). */
function ensembleFiles(out: string): Map<string, Buffer> {
  const dir = join(out, "reward-models");
  const files = new Map<string, Buffer>([["summary.json", readFileSync(join(dir, "summary.json"))]]);
  for (const member of readdirSync(dir).filter((name) => name.startsWith("member-"))) {
    for (const file of readdirSync(join(dir, member)))
      files.set(`${member}/${file}`, readFileSync(join(dir, member, file)));
  }
  return files;
}

function assertSameEnsemble(out: string, reference: string): void {
  const got = ensembleFiles(out);
  const want = ensembleFiles(reference);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [name, bytes] of want) assert.ok(bytes.equals(got.get(name) as Buffer), `${name} differs`);
  assert.ok(existsSync(join(out, "reward-models/complete.json")));
}

const reference = temp("reference");
const referenceRun = run(["--out", reference, "--jobs", "1"]);

/** The member folders of an ensemble folder (beside them: the live metrics.jsonl). */
const trainedMembers = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.startsWith("member-"))
    .sort();

test("--jobs 2 trains the members in worker threads into the bytes of --jobs 1", () => {
  assert.equal(referenceRun.status, 0, referenceRun.stderr);
  const out = temp("jobs");
  const result = run(["--out", out, "--jobs", "2"]);
  assert.equal(result.status, 0, result.stderr);
  assertSameEnsemble(out, reference);
});

test("three shards run as three concurrent processes give the ensemble of one process", async () => {
  const out = temp("shards");
  const codes = await Promise.all([0, 1, 2].map((i) => exited(start(["--out", out, "--shard", `${i}/3`]))));
  assert.deepEqual(codes, [0, 0, 0]);
  assertSameEnsemble(out, reference);
});

test("one shard alone leaves the stage open and names what is missing; train-rm without --shard finishes it", () => {
  const out = temp("partial");
  const half = run(["--out", out, "--shard", "1/2"]);
  assert.equal(half.status, 0, half.stderr);
  assert.deepEqual(trainedMembers(join(out, "reward-models")), ["member-1", "member-3"]);
  const disagreement = spawnSync(process.execPath, [align, "disagreement", ...small, "--out", out], {
    cwd: repoRoot,
    encoding: "utf8",
    env: quietEnv(),
  });
  assert.equal(disagreement.status, 2, disagreement.stderr);
  assert.match(disagreement.stderr, /ensemble incomplete, missing member\(s\) 0, 2 of 4/);
  assert.equal(run(["--out", out]).status, 0);
  assertSameEnsemble(out, reference);
});

test("SLURM job arrays and Kubernetes Indexed Jobs choose the shard", () => {
  const slurm = temp("slurm");
  const array = run(["--out", slurm], { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_COUNT: "3" });
  assert.equal(array.status, 0, array.stderr);
  assert.deepEqual(trainedMembers(join(slurm, "reward-models")), ["member-2"]);
  const k8s = temp("k8s");
  const unknown = run(["--out", k8s], { JOB_COMPLETION_INDEX: "0" });
  assert.equal(unknown.status, 2, unknown.stderr);
  assert.match(unknown.stderr, /JOB_COMPLETION_INDEX is set .* --shard-count/);
  assert.ok(!existsSync(join(k8s, "reward-models")), "nothing written for a bad shard");
  const indexed = run(["--out", k8s, "--shard-count", "3"], { JOB_COMPLETION_INDEX: "0" });
  assert.equal(indexed.status, 0, indexed.stderr);
  assert.deepEqual(trainedMembers(join(k8s, "reward-models")), ["member-0", "member-3"]);
});

/** Waits until `ready()` holds (polling every 2 ms) or the process ends, then kills it with SIGKILL. */
async function killWhen(child: ChildProcess, ready: () => boolean): Promise<void> {
  const done = exited(child);
  let finished = false;
  void done.then(() => {
    finished = true;
  });
  while (!finished && !ready()) await new Promise((resolve) => setTimeout(resolve, 2));
  child.kill("SIGKILL");
  await done;
}

test("kill -9 at several points, then --resume: the ensemble has the bytes of an uninterrupted run", async () => {
  // Longer training (~1 s), so that each kill lands where it is aimed even on a loaded machine.
  const longer = ["--set", "rewardModel.epochs=40"];
  const uninterrupted = temp("long");
  assert.equal(run(["--out", uninterrupted, "--jobs", "1", ...longer]).status, 0);
  const checkpoints = (out: string) =>
    [0, 1, 2, 3].filter((m) => existsSync(join(out, `reward-models/member-${m}/checkpoint.bin`))).length;
  const finished = (out: string) =>
    [0, 1, 2, 3].filter((m) => existsSync(join(out, `reward-models/member-${m}/metrics.json`))).length;
  const points: [string, string[], (out: string) => boolean][] = [
    ["while starting", ["--jobs", "1"], (out) => existsSync(join(out, "run.log"))],
    ["at the first checkpoint", ["--jobs", "1"], (out) => checkpoints(out) > 0],
    ["mid-checkpoints, two workers", ["--jobs", "2"], (out) => checkpoints(out) >= 3],
    ["as members finish", ["--jobs", "2"], (out) => finished(out) > 0],
  ];
  let resumedFromCheckpoint = 0;
  for (const [when, jobs, ready] of points) {
    const out = temp("kill");
    await killWhen(start(["--out", out, ...jobs, ...longer]), () => ready(out));
    if (checkpoints(out) > 0) resumedFromCheckpoint += 1;
    const resumed = run(["--out", out, "--resume", ...jobs, ...longer]);
    assert.equal(resumed.status, 0, `${when}: ${resumed.stderr}`);
    assertSameEnsemble(out, uninterrupted);
    assert.equal(checkpoints(out), 0, `${when}: checkpoints are removed once members finish`);
  }
  assert.ok(resumedFromCheckpoint >= 2, `only ${resumedFromCheckpoint} kill(s) landed after a checkpoint`);
});

test("bad train-rm flags exit 2 before anything is written", () => {
  const out = temp("flags");
  for (const [flags, message] of [
    [["--resume", "--force"], /pass one of them/],
    [["--jobs", "0"], /--jobs: expected an integer ≥ 1/],
    [["--shard", "3/3"], /shard index 3 is not below the shard count 3/],
  ] as const) {
    const result = run(["--out", join(out, "run"), ...flags]);
    assert.equal(result.status, 2, flags.join(" "));
    assert.match(result.stderr, message);
    assert.ok(!existsSync(join(out, "run")));
  }
});

test("a member whose training diverges ends the run with one clear message and exit 2", () => {
  const out = temp("diverged");
  const result = run([
    "--out",
    out,
    "--jobs",
    "2",
    "--set",
    "rewardModel.learningRate=1e39",
    "--set",
    "rewardModel.initScale=1e30",
  ]);
  assert.equal(result.status, 2);
  assert.match(
    result.stderr,
    /^align: error: member \d: training diverged at epoch 1: loss is (NaN|Infinity)/m,
  );
  assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  assert.ok(!existsSync(join(out, "reward-models/summary.json")));
});
