import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { align, tempDir, tinyConfig } from "./run-cli.js";

const sweepArgs = (out: string, ...extra: string[]) => [
  "sweep",
  "--config",
  tinyConfig,
  "--out",
  out,
  "--set",
  "stages=[simulate]",
  "--grid",
  "simulate.draws=10,20,30",
  ...extra,
];

/** The files whose bytes must not depend on how the points were spread: results, not timings. */
function results(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of [
    "sweep.json",
    "sweep.csv",
    "prompt-risk-difference.vl.json",
    "claim-theory-variance-aware-risk.vl.json",
  ]) {
    if (existsSync(join(dir, name))) files[name] = readFileSync(join(dir, name), "utf8");
  }
  for (const point of readdirSync(join(dir, "points")).sort()) {
    for (const name of ["claims.json", "simulate/summary.json", "config.yaml"]) {
      files[`${point}/${name}`] = readFileSync(join(dir, "points", point, name), "utf8");
    }
  }
  return files;
}

test("sweep runs every point, skips finished ones; two threads and three shards give the bytes of one thread", () => {
  const whole = tempDir("sweep-whole");
  const first = align(...sweepArgs(whole, "--jobs", "1"));
  assert.equal(first.status, 0, first.stderr);
  assert.equal((first.stdout.match(/^ran: /gm) ?? []).length, 3);
  assert.match(first.stdout, /theory-variance-aware-risk/);
  const csv = readFileSync(join(whole, "sweep.csv"), "utf8").trim().split("\n");
  assert.equal(csv.length, 1 + 3);
  assert.match(csv[0], /theory-variance-aware-risk lo/);
  assert.ok(existsSync(join(whole, "claim-theory-variance-aware-risk.png")));

  const again = align(...sweepArgs(whole));
  assert.equal(again.status, 0, again.stderr);
  assert.equal((again.stdout.match(/^finished already: /gm) ?? []).length, 3, "resumable: nothing reruns");

  const sharded = tempDir("sweep-sharded");
  for (const shard of ["2/3", "0/3"]) {
    const part = align(...sweepArgs(sharded, "--shard", shard));
    assert.equal(part.status, 0, part.stderr);
    assert.match(part.stdout, /not finished yet/);
  }
  const last = align(...sweepArgs(sharded, "--shard", "1/3"));
  assert.equal(last.status, 0, last.stderr);
  assert.equal((last.stdout.match(/^ran: /gm) ?? []).length, 1);
  assert.deepEqual(results(sharded), results(whole));

  const threaded = tempDir("sweep-threads");
  const two = align(...sweepArgs(threaded, "--jobs", "2"));
  assert.equal(two.status, 0, two.stderr);
  assert.equal((two.stdout.match(/^ran: /gm) ?? []).length, 3);
  assert.deepEqual(results(threaded), results(whole));
});

test("sweep with a bad grid key fails with the key named, exit 2, before running anything", () => {
  const out = tempDir("sweep-bad");
  const bad = align("sweep", "--config", tinyConfig, "--out", out, "--grid", "simulate.draw=10,20");
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /simulate\.draw/);
  assert.equal(existsSync(join(out, "points")), false);
});
