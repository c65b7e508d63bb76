import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { align, repoRoot, tempDir } from "../cli/run-cli.js";

const tiny = join(repoRoot, "test/fixtures/cli/rlhf-tiny.yaml");

const badValues: [string, string][] = [
  ["rlhf.iterations=0", "rlhf.iterations"],
  ["rlhf.promptsPerIteration=-1", "rlhf.promptsPerIteration"],
  ["rlhf.hidden=0", "rlhf.hidden"],
  ["rlhf.beta=-0.1", "rlhf.beta"],
  ["rlhf.samplesPerPrompt=1", "rlhf.samplesPerPrompt"],
  ["rlhf.minibatches=0", "rlhf.minibatches"],
  ["rlhf.learningRate=0", "rlhf.learningRate"],
  ["rlhf.priorVariance=-1", "rlhf.priorVariance"],
];

for (const [setting, key] of badValues) {
  test(`optimize --policy generative with ${setting} exits 2 naming ${key}`, () => {
    const out = tempDir("rlhf-bad");
    const result = align("optimize", "--policy", "generative", "-c", tiny, "-o", out, "--set", setting);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, new RegExp(key.replace(".", "\\.")));
    assert.ok(!existsSync(join(out, "rlhf")), "nothing written");
  });
}

test("optimize --policy generative on embeddings exits 2 naming features.source, writing nothing", () => {
  const out = tempDir("rlhf-embeddings");
  const result = align(
    "optimize",
    ...["--policy", "generative", "-c", tiny, "-o", out, "--set", "features.source=embeddings"],
    ...["--set", "features.embeddings.path=e.npy", "--set", "features.embeddings.index=e.index.jsonl"],
  );
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /features\.source/);
  assert.ok(!existsSync(join(out, "rlhf")), "nothing written");
});

test("G = 1 is fine without a group baseline", () => {
  const out = tempDir("rlhf-g1");
  const result = align(
    "optimize",
    ...["--policy", "generative", "-c", tiny, "-o", out],
    ...["--set", "rlhf.samplesPerPrompt=1", "--set", "rlhf.baseline=none", "--methods", "standard"],
  );
  assert.equal(result.status, 0, result.stderr);
});

test("optimize --policy generative --variance-aware writes curves, summary, samples and plots", () => {
  const out = tempDir("rlhf-run");
  const result = align("optimize", "--policy", "generative", "--variance-aware", "-c", tiny, "-o", out);
  assert.equal(result.status, 0, result.stderr);
  const dir = join(out, "rlhf");
  for (const file of [
    "curves.csv",
    "summary.json",
    "samples.jsonl",
    "gold-vs-sqrt-kl.svg",
    "sft/policy.bin",
  ]) {
    assert.ok(existsSync(join(dir, file)), `${file} missing`);
  }
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  assert.deepEqual(Object.keys(summary.methods), ["variance-aware"]);
  assert.equal(summary.methods["variance-aware"].budgets[0].kl, 0.1);
  // Checkpoint 0 (π0) and the two evaluations of the one trial.
  assert.equal(readFileSync(join(dir, "curves.csv"), "utf8").trim().split("\n").length, 1 + 3);
  // A second call adds the standard method and keeps the first.
  const again = align("optimize", "--policy", "generative", "--methods", "standard", "-c", tiny, "-o", out);
  assert.equal(again.status, 0, again.stderr);
  const both = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  assert.deepEqual(Object.keys(both.methods), ["standard", "variance-aware"]);
});

test("PPO trials on two threads, or split over two shards, give the bytes of one thread", () => {
  const files = (out: string) =>
    Object.fromEntries(
      ["trials/standard-0.json", "trials/standard-1.json", "summary.json", "curves.csv", "samples.jsonl"].map(
        (name) => [name, readFileSync(join(out, "rlhf", name), "utf8")],
      ),
    );
  const run = (out: string, ...extra: string[]) => {
    const result = align(
      "rlhf",
      "-c",
      tiny,
      "-o",
      out,
      "--set",
      "rlhf.methods=[standard]",
      "--set",
      "rlhf.trials=2",
      ...extra,
    );
    assert.equal(result.status, 0, result.stderr);
    return result;
  };
  const one = tempDir("rlhf-jobs1");
  run(one, "--jobs", "1");
  const two = tempDir("rlhf-jobs2");
  run(two, "--jobs", "2");
  assert.deepEqual(files(two), files(one));
  const sharded = tempDir("rlhf-shards");
  run(sharded, "--jobs", "1", "--shard", "1/2");
  assert.match(
    readFileSync(join(sharded, "run.log"), "utf8"),
    /1 trial\(s\) still to come from other shards/,
  );
  assert.ok(
    !existsSync(join(sharded, "rlhf", "summary.json")),
    "no summary while a shard's trial is missing",
  );
  run(sharded, "--jobs", "1", "--shard", "0/2");
  assert.deepEqual(files(sharded), files(one));
});
